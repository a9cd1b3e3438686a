{# Every online order resolves to a customer, so an online order without one in fct_orders
   must belong to an erased customer; and no order of an erased customer may still carry
   it. Returns the online orders that break either rule. #}
with

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

records_resolved as (
    select * from {{ ref('int_identity_records_resolved') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

online_resolved as (
    select
        fct_orders.order_id,
        fct_orders.customer_id,
        records_resolved.customer_id as resolved_customer_id,
        erasures.customer_id is not null as is_erased
    from fct_orders
    left join records_resolved
        on
            records_resolved.source_model = 'stg_ecommerce__orders'
            and fct_orders.order_id = records_resolved.source_record_id
    left join erasures
        on records_resolved.customer_id = erasures.customer_id
    where fct_orders.channel = 'online'
)

select * from online_resolved
where
    (customer_id is null and not is_erased)
    or (customer_id is not null and is_erased)
