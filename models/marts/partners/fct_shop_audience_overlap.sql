{#
    How much two of the brand's platform shops share their buyers, as counts only: this is
    what may be handed to a partner, so no customer id leaves the model and every figure of a
    pair with too few shared customers is suppressed.
#}
with

orders as (
    select * from {{ ref('fct_orders') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

shop_customers as (
    select distinct
        orders.shop_id,
        orders.platform,
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
        platform,
        count(*) as customer_count
    from shop_customers
    group by 1, 2
),

universe_counted as (
    select count(distinct customer_id) as universe_customer_count
    from shop_customers
),

pairs_shared as (
    select
        shop_a.shop_id as shop_a_id,
        shop_b.shop_id as shop_b_id,
        count(*) as shared_customer_count
    from shop_customers as shop_a
    inner join shop_customers as shop_b
        on
            shop_a.customer_id = shop_b.customer_id
            and shop_a.shop_id < shop_b.shop_id
    group by 1, 2
),

pairs_enumerated as (
    select
        shop_a.shop_id as shop_a_id,
        shop_b.shop_id as shop_b_id,
        shop_a.platform as shop_a_platform,
        shop_b.platform as shop_b_platform,
        shop_a.customer_count as shop_a_customer_count,
        shop_b.customer_count as shop_b_customer_count,
        coalesce(pairs_shared.shared_customer_count, 0) as shared_customer_count,
        universe_counted.universe_customer_count
    from shops_counted as shop_a
    inner join shops_counted as shop_b
        on shop_a.shop_id < shop_b.shop_id
    cross join universe_counted
    left join pairs_shared
        on
            shop_a.shop_id = pairs_shared.shop_a_id
            and shop_b.shop_id = pairs_shared.shop_b_id
),

metrics_computed as (
    select
        *,
        cast(shared_customer_count as double)
        / nullif(shop_a_customer_count + shop_b_customer_count - shared_customer_count, 0)
            as jaccard_index,
        cast(shop_a_customer_count as double) * shop_b_customer_count
        / nullif(universe_customer_count, 0) as expected_shared_customer_count
    from pairs_enumerated
),

final as (
    select
        -- ids
        {{ dbt.concat(["shop_a_id", "'|'", "shop_b_id"]) }} as shop_pair_id,
        shop_a_id,
        shop_b_id,

        -- strings
        shop_a_platform,
        shop_b_platform,

        -- numerics
        cast(
            {{ suppress_small_cell('shop_a_customer_count', 'shop_a_customer_count') }}
            as bigint
        ) as shop_a_customer_count,
        cast(
            {{ suppress_small_cell('shop_b_customer_count', 'shop_b_customer_count') }}
            as bigint
        ) as shop_b_customer_count,
        cast(
            {{ suppress_small_cell('shared_customer_count', 'shared_customer_count') }}
            as bigint
        ) as shared_customer_count,
        cast(universe_customer_count as bigint) as universe_customer_count,
        cast(
            {{ suppress_small_cell('jaccard_index', 'shared_customer_count') }}
            as double
        ) as jaccard_index,
        cast(
            {{ suppress_small_cell(
                'shared_customer_count / nullif(expected_shared_customer_count, 0)',
                'shared_customer_count'
            ) }} as double
        ) as lift,

        -- booleans
        shop_a_platform = shop_b_platform as is_same_platform,
        {{ is_small_cell('shared_customer_count') }} as is_suppressed
    from metrics_computed
)

select * from final
