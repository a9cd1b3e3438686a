{# fct_customer_profiles holds exactly the customers with a granted profiling consent who are
   not erased, and their net spend adds up to fct_orders' net amount for those customers.
   Returns one row per customer in one set and not the other, and one row when the totals
   differ. #}
with

profiles as {{ not_materialized() }} (
    select * from {{ ref('fct_customer_profiles') }}
),

consents as (
    select * from {{ ref('int_privacy_consents_resolved') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

expected_customers as (
    select consents.customer_id
    from consents
    left join erasures
        on consents.customer_id = erasures.customer_id
    where
        consents.purpose = 'profiling'
        and consents.is_granted
        and erasures.customer_id is null
),

membership_compared as (
    select
        coalesce(expected_customers.customer_id, profiles.customer_id) as customer_id,
        case
            when profiles.customer_id is null then 'consented customer without a profile'
            else 'profile without a consent in force'
        end as problem
    from expected_customers
    full outer join profiles
        on expected_customers.customer_id = profiles.customer_id
    where expected_customers.customer_id is null or profiles.customer_id is null
),

order_totals as (
    select sum(orders.net_amount) as net_amount
    from orders
    inner join expected_customers
        on orders.customer_id = expected_customers.customer_id
),

profile_totals as (
    select sum(net_spend) as net_spend
    from profiles
),

totals_compared as (
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        'net spend differs from fct_orders' as problem
    from order_totals
    cross join profile_totals
    where abs(coalesce(order_totals.net_amount, 0) - coalesce(profile_totals.net_spend, 0)) >= 0.01
)

select * from membership_compared
union all
select * from totals_compared
