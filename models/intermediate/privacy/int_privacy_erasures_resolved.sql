{#
    One row per erased customer: every customer one of whose phones, openids or cards is the
    subject of an erasure request. Everything downstream that identifies or profiles a person
    drops these customers; orders and receipts stay as anonymous sales.
#}
with

erasure_requests as (
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
        and identifier_type in ('phone', 'openid', 'member_card')
),

requests_attributed as (
    select
        subject_customers.customer_id,
        erasure_requests.erasure_request_id,
        erasure_requests.requested_at
    from erasure_requests
    inner join subject_customers
        on
            erasure_requests.subject_type = subject_customers.identifier_type
            and erasure_requests.subject_pseudonym = subject_customers.identifier_value
),

customers_aggregated as (
    select
        customer_id,
        count(distinct erasure_request_id) as erasure_request_count,
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

        -- timestamps
        first_requested_at
    from customers_aggregated
)

select * from final
