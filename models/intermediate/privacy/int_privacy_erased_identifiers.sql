{#
    Every identifier whose raw value the restricted pii area must no longer hold: all
    identifiers of an erased customer, and each requested subject itself (and a requested
    phone's masked form), even when no customer carries it.
#}
with

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

identifiers as (
    select * from {{ ref('int_identifiers_resolved') }}
),

erasure_requests as {{ not_materialized() }} (
    select * from {{ ref('stg_privacy__erasure_requests') }}
),

customer_identifiers as (
    select
        identifiers.identifier_type,
        identifiers.identifier_value
    from identifiers
    inner join erasures
        on identifiers.customer_id = erasures.customer_id
),

requested_subjects as (
    select
        subject_type as identifier_type,
        subject_pseudonym as identifier_value
    from erasure_requests
    union all
    select
        'masked_phone' as identifier_type,
        subject_masked_phone_pseudonym as identifier_value
    from erasure_requests
    where subject_masked_phone_pseudonym is not null
),

combined as (
    select * from customer_identifiers
    union
    select * from requested_subjects
),

final as (
    select
        -- ids
        {{ dbt.concat(["identifier_type", "':'", "identifier_value"]) }}
            as erased_identifier_id,

        -- strings
        identifier_type,
        identifier_value
    from combined
)

select * from final
