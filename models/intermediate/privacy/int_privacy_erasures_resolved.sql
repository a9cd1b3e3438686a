{#
    One row per erased customer: every customer one of whose phones, openids or cards is the
    subject of an erasure request. Everything downstream that identifies or profiles a person
    drops these customers; orders and receipts stay as anonymous sales.

    Platforms show a buyer's phone only masked (138****1234), so a person who bought only on
    platforms carries no full phone: a request on a phone also reaches the customer holding
    that number's masked form (its pseudonym is derived in staging from the request).
#}
with

erasure_requests as {{ not_materialized() }} (
    select * from {{ ref('stg_privacy__erasure_requests') }}
),

identifiers as (
    select * from {{ ref('int_identifiers_resolved') }}
),

subject_customers as (
    select distinct
        identifier_type,
        identifier_value,
        customer_id
    from identifiers
    where
        customer_id is not null
        and identifier_type in ('phone', 'openid', 'member_card', 'masked_phone')
),

subjects_expanded as (
    select
        erasure_request_id,
        subject_type as identifier_type,
        subject_pseudonym as identifier_value,
        requested_at
    from erasure_requests
    union all
    select
        erasure_request_id,
        'masked_phone' as identifier_type,
        subject_masked_phone_pseudonym as identifier_value,
        requested_at
    from erasure_requests
    where subject_masked_phone_pseudonym is not null
),

requests_attributed as (
    select
        subject_customers.customer_id,
        subjects_expanded.erasure_request_id,
        subjects_expanded.identifier_type,
        subjects_expanded.requested_at
    from subjects_expanded
    inner join subject_customers
        on
            subjects_expanded.identifier_type = subject_customers.identifier_type
            and subjects_expanded.identifier_value = subject_customers.identifier_value
),

customers_aggregated as (
    select
        customer_id,
        count(distinct erasure_request_id) as erasure_request_count,
        {# True when only the masked form of a requested phone reached the customer. #}
        min(
            case when identifier_type = 'masked_phone' then 1 else 0 end
        ) = 1 as is_reached_by_masked_phone_only,
        min(requested_at) as first_requested_at
    from requests_attributed
    group by 1
),

final as (
    select
        -- ids
        customer_id,

        -- numerics
        erasure_request_count,

        -- booleans
        is_reached_by_masked_phone_only,

        -- timestamps
        first_requested_at
    from customers_aggregated
)

select * from final
