{#
    How each category sells in each channel and province, and whether its buyers in the
    channel respond to price. Province cells are published under small-cell suppression; the
    price-sensitivity figures are the category's in the channel nationwide, since a province
    cell holds too few deep-discount lines to measure a response.
#}
{%- set min_lines = var('datong_merchandising_min_lines_per_side') -%}

with

category_sales as {{ not_materialized() }} (
    select * from {{ ref('int_category_sales_aggregated') }}
),

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

{# People behind a nationwide category-channel figure, for its suppression: the distinct
   (cell, buyer) pairs, then their number per cell (a plain aggregation spills to disk at
   scale; a count(distinct) may not). #}
channel_buyers as (
    select
        channel,
        coalesce(category_l1, '(unmapped)') as category_l1,
        coalesce(category_l2, '(unmapped)') as category_l2,
        coalesce(customer_id, order_id) as buyer_key
    from order_lines
    where is_paid
    group by 1, 2, 3, 4
),

channel_buyers_counted as (
    select
        channel,
        category_l1,
        category_l2,
        count(*) as channel_buyer_count
    from channel_buyers
    group by 1, 2, 3
),

category_channels_aggregated as (
    select
        channel,
        category_l1,
        category_l2,
        sum(deep_discount_line_count) as deep_discount_line_count,
        sum(deep_discount_units) as deep_discount_units,
        sum(other_line_count) as other_line_count,
        sum(other_units) as other_units,
        sum(list_amount) as list_amount,
        sum(sales_amount) as sales_amount
    from category_sales
    group by 1, 2, 3
),

channels_aggregated as (
    select
        channel,
        sum(list_amount) as list_amount,
        sum(sales_amount) as sales_amount
    from category_sales
    group by 1
),

price_sensitivity_measured as (
    select
        category_channels_aggregated.channel,
        category_channels_aggregated.category_l1,
        category_channels_aggregated.category_l2,
        channel_buyers_counted.channel_buyer_count,
        {# Deal response: units per line when deeply discounted over units per line
           otherwise. Buyers who do not care about price buy the same quantity either way
           (index near 1); price-sensitive buyers stock up on a deal. #}
        case
            when
                category_channels_aggregated.deep_discount_line_count >= {{ min_lines }}
                and category_channels_aggregated.other_line_count >= {{ min_lines }}
                then
                    (
                        cast(category_channels_aggregated.deep_discount_units as double)
                        / category_channels_aggregated.deep_discount_line_count
                    )
                    / nullif(
                        cast(category_channels_aggregated.other_units as double)
                        / category_channels_aggregated.other_line_count,
                        0
                    )
        end as price_sensitivity_index,
        {# How deeply the category is discounted in the channel against the channel's
           average discount depth (1 = average). #}
        (
            1 - cast(category_channels_aggregated.sales_amount as double)
            / nullif(cast(category_channels_aggregated.list_amount as double), 0)
        )
        / nullif(
            1 - cast(channels_aggregated.sales_amount as double)
            / nullif(cast(channels_aggregated.list_amount as double), 0),
            0
        ) as discount_depth_index
    from category_channels_aggregated
    inner join channels_aggregated
        on category_channels_aggregated.channel = channels_aggregated.channel
    inner join channel_buyers_counted
        on
            category_channels_aggregated.channel = channel_buyers_counted.channel
            and category_channels_aggregated.category_l1 = channel_buyers_counted.category_l1
            and category_channels_aggregated.category_l2 = channel_buyers_counted.category_l2
),

cells_measured as (
    select
        category_sales.*,
        1 - cast(category_sales.sales_amount as double)
        / nullif(cast(category_sales.list_amount as double), 0) as avg_discount_depth,
        cast(category_sales.full_price_units as double)
        / nullif(category_sales.units_sold, 0) as full_price_sell_through,
        cast(category_sales.units_returned as double)
        / nullif(category_sales.units_sold, 0) as return_rate,
        price_sensitivity_measured.channel_buyer_count,
        price_sensitivity_measured.price_sensitivity_index,
        price_sensitivity_measured.discount_depth_index
    from category_sales
    inner join price_sensitivity_measured
        on
            category_sales.channel = price_sensitivity_measured.channel
            and category_sales.category_l1 = price_sensitivity_measured.category_l1
            and category_sales.category_l2 = price_sensitivity_measured.category_l2
),

final as (
    select
        -- ids
        category_sales_id as category_channel_region_id,

        -- strings
        category_l1,
        category_l2,
        channel,
        province,

        -- numerics
        cast(
            {{ suppress_small_cell('buyer_count', 'buyer_count') }} as bigint
        ) as buyer_count,
        cast(
            {{ suppress_small_cell('order_count', 'buyer_count') }} as bigint
        ) as order_count,
        cast(
            {{ suppress_small_cell('units_sold', 'buyer_count') }} as bigint
        ) as units_sold,
        cast(
            {{ suppress_small_cell('units_returned', 'buyer_count') }} as bigint
        ) as units_returned,
        cast(
            {{ suppress_small_cell('sales_amount', 'buyer_count') }} as decimal(18, 2)
        ) as sales_amount,
        cast(
            {{ suppress_small_cell('returned_amount', 'buyer_count') }} as decimal(18, 2)
        ) as returned_amount,
        cast(
            {{ suppress_small_cell('net_revenue', 'buyer_count') }} as decimal(18, 2)
        ) as net_revenue,
        cast(
            {{ suppress_small_cell('avg_discount_depth', 'buyer_count') }} as double
        ) as avg_discount_depth,
        cast(
            {{ suppress_small_cell('full_price_sell_through', 'buyer_count') }} as double
        ) as full_price_sell_through,
        cast(
            {{ suppress_small_cell('return_rate', 'buyer_count') }} as double
        ) as return_rate,
        cast(
            {{ suppress_small_cell('price_sensitivity_index', 'channel_buyer_count') }}
            as double
        ) as price_sensitivity_index,
        cast(
            {{ suppress_small_cell('discount_depth_index', 'channel_buyer_count') }}
            as double
        ) as discount_depth_index,

        -- booleans
        coalesce(
            {{ suppress_small_cell('price_sensitivity_index', 'channel_buyer_count') }}
            >= {{ var('datong_merchandising_min_price_sensitivity_index') }},
            false
        ) as is_price_sensitive,
        {{ is_small_cell('buyer_count') }} as is_suppressed
    from cells_measured
)

select * from final
