with

identifiers as (
    select * from {{ ref('int_identifiers_resolved') }}
),

linked as (
    select
        -- ids
        identifier_id,
        customer_id,

        -- strings
        identifier_type,
        identifier_scope,
        identifier_value,
        strength,

        -- timestamps
        first_seen_at,
        last_seen_at
    from identifiers
    where customer_id is not null
)

select * from linked
