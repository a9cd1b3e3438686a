{# The audience counts of fct_shop_audience_overlap are those of fct_orders: every pair of
   platform shops with paid orders is present, each shop's published count is its number of
   distinct non-erased customers with a paid order, and the universe is those customers over
   all shops. Returns one row per pair that disagrees. #}
with

audience_overlaps as (
    select * from {{ ref('fct_shop_audience_overlap') }}
),

orders as (
    select * from {{ ref('fct_orders') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

shop_customers as (
    select distinct
        orders.shop_id,
        orders.customer_id
    from orders
    left join erasures
        on orders.customer_id = erasures.customer_id
    where
        orders.channel = 'online'
        and orders.is_paid
        and orders.customer_id is not null
        and orders.shop_id is not null
        and erasures.customer_id is null
),

shops_counted as (
    select
        shop_id,
        count(*) as customer_count
    from shop_customers
    group by 1
),

universe_counted as (
    select count(distinct customer_id) as universe_customer_count
    from shop_customers
),

expected_pairs as (
    select
        shop_a.shop_id as shop_a_id,
        shop_b.shop_id as shop_b_id,
        shop_a.customer_count as shop_a_customer_count,
        shop_b.customer_count as shop_b_customer_count,
        universe_counted.universe_customer_count
    from shops_counted as shop_a
    inner join shops_counted as shop_b
        on shop_a.shop_id < shop_b.shop_id
    cross join universe_counted
),

compared as (
    select
        expected_pairs.shop_a_id,
        expected_pairs.shop_b_id,
        published.shop_pair_id
    from expected_pairs
    left join audience_overlaps as published
        on
            expected_pairs.shop_a_id = published.shop_a_id
            and expected_pairs.shop_b_id = published.shop_b_id
    where
        published.shop_pair_id is null
        or published.universe_customer_count != expected_pairs.universe_customer_count
        or coalesce(published.shop_a_customer_count, expected_pairs.shop_a_customer_count)
        != expected_pairs.shop_a_customer_count
        or coalesce(published.shop_b_customer_count, expected_pairs.shop_b_customer_count)
        != expected_pairs.shop_b_customer_count
        or (
            published.shop_a_customer_count is null
            and expected_pairs.shop_a_customer_count >= {{ var('datong_min_cell_count') }}
        )
)

select * from compared
