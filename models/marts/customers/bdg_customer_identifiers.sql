with

identifiers as (
    select * from {{ ref('int_identifiers_resolved') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

{# An erased customer's identifiers leave the bridge with the customer row. #}
linked as (
    select
        -- ids
        identifiers.identifier_id,
        identifiers.customer_id,

        -- strings
        identifiers.identifier_type,
        identifiers.identifier_scope,
        identifiers.identifier_value,
        identifiers.strength,

        -- timestamps
        identifiers.first_seen_at,
        identifiers.last_seen_at
    from identifiers
    left join erasures
        on identifiers.customer_id = erasures.customer_id
    where
        identifiers.customer_id is not null
        and erasures.customer_id is null
)

select * from linked
