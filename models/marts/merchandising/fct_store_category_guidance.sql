{#
    Per store, which categories to stock more or less of and why: the category's share of the
    store's sales against its share across the stores of the same format, its returns and its
    full-price sell-through against theirs.
#}
with

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

stores as (
    select * from {{ ref('stg_pos__stores') }}
),

store_lines as (
    select
        order_lines.store_id,
        stores.store_format,
        stores.province,
        stores.city,
        coalesce(order_lines.category_l1, '(unmapped)') as category_l1,
        coalesce(order_lines.category_l2, '(unmapped)') as category_l2,
        case when not order_lines.is_return then order_lines.quantity else 0 end as units_sold,
        case
            when not order_lines.is_return and order_lines.is_full_price
                then order_lines.quantity
            else 0
        end as full_price_units,
        case when order_lines.is_return then -order_lines.quantity else 0 end as units_returned,
        case
            when not order_lines.is_return then order_lines.paid_amount else 0
        end as sales_amount,
        case
            when order_lines.is_return then -order_lines.paid_amount else 0
        end as returned_amount
    from order_lines
    inner join stores
        on order_lines.store_id = stores.store_id
    where order_lines.channel = 'offline'
),

store_categories_aggregated as (
    select
        store_id,
        store_format,
        province,
        city,
        category_l1,
        category_l2,
        sum(units_sold) as units_sold,
        sum(full_price_units) as full_price_units,
        sum(units_returned) as units_returned,
        sum(sales_amount) as sales_amount,
        sum(returned_amount) as returned_amount
    from store_lines
    group by 1, 2, 3, 4, 5, 6
),

stores_aggregated as (
    select
        store_id,
        store_format,
        sum(sales_amount) as store_sales_amount
    from store_categories_aggregated
    group by 1, 2
),

formats_aggregated as (
    select
        store_format,
        count(*) as peer_store_count,
        sum(store_sales_amount) as format_sales_amount
    from stores_aggregated
    group by 1
),

format_categories_aggregated as (
    select
        store_format,
        category_l1,
        category_l2,
        sum(units_sold) as units_sold,
        sum(full_price_units) as full_price_units,
        sum(units_returned) as units_returned,
        sum(sales_amount) as sales_amount
    from store_categories_aggregated
    group by 1, 2, 3
),

shares_compared as (
    select
        store_categories_aggregated.*,
        formats_aggregated.peer_store_count,
        cast(store_categories_aggregated.sales_amount as double)
        / nullif(cast(stores_aggregated.store_sales_amount as double), 0) as store_sales_share,
        cast(format_categories_aggregated.sales_amount as double)
        / nullif(cast(formats_aggregated.format_sales_amount as double), 0) as peer_sales_share,
        cast(store_categories_aggregated.full_price_units as double)
        / nullif(store_categories_aggregated.units_sold, 0) as full_price_sell_through,
        cast(format_categories_aggregated.full_price_units as double)
        / nullif(format_categories_aggregated.units_sold, 0) as peer_full_price_sell_through,
        cast(store_categories_aggregated.units_returned as double)
        / nullif(store_categories_aggregated.units_sold, 0) as return_rate,
        cast(format_categories_aggregated.units_returned as double)
        / nullif(format_categories_aggregated.units_sold, 0) as peer_return_rate
    from store_categories_aggregated
    inner join stores_aggregated
        on store_categories_aggregated.store_id = stores_aggregated.store_id
    inner join formats_aggregated
        on store_categories_aggregated.store_format = formats_aggregated.store_format
    inner join format_categories_aggregated
        on
            store_categories_aggregated.store_format = format_categories_aggregated.store_format
            and store_categories_aggregated.category_l1 = format_categories_aggregated.category_l1
            and store_categories_aggregated.category_l2 = format_categories_aggregated.category_l2
),

indexed as (
    select
        *,
        store_sales_share / nullif(peer_sales_share, 0) as share_index
    from shares_compared
),

guidance_reasoned as (
    select
        *,
        case
            when units_sold < {{ var('datong_merchandising_min_store_units') }}
                then 'too_few_sales'
            when
                units_returned >= {{ var('datong_merchandising_min_returned_units') }}
                and return_rate
                >= {{ var('datong_merchandising_high_return_ratio') }} * peer_return_rate
                then 'high_returns'
            when share_index >= {{ var('datong_merchandising_stock_more_share_index') }}
                then 'sells_above_peers'
            when share_index <= {{ var('datong_merchandising_stock_less_share_index') }}
                then 'sells_below_peers'
            when
                full_price_sell_through - peer_full_price_sell_through
                >= {{ var('datong_merchandising_sell_through_margin') }}
                then 'sells_at_full_price'
            else 'in_line_with_peers'
        end as guidance_reason
    from indexed
),

final as (
    select
        -- ids
        {{ dbt.concat(["store_id", "'|'", "category_l1", "'|'", "category_l2"]) }}
            as store_category_id,
        store_id,

        -- strings
        store_format,
        province,
        city,
        category_l1,
        category_l2,
        case
            when guidance_reason in ('sells_above_peers', 'sells_at_full_price')
                then 'stock_more'
            when guidance_reason in ('high_returns', 'sells_below_peers') then 'stock_less'
            else 'hold'
        end as guidance,
        guidance_reason,

        -- numerics
        cast(peer_store_count as bigint) as peer_store_count,
        cast(units_sold as bigint) as units_sold,
        cast(units_returned as bigint) as units_returned,
        cast(sales_amount as decimal(18, 2)) as sales_amount,
        cast(returned_amount as decimal(18, 2)) as returned_amount,
        cast(sales_amount - returned_amount as decimal(18, 2)) as net_revenue,
        cast(store_sales_share as double) as store_sales_share,
        cast(peer_sales_share as double) as peer_sales_share,
        cast(share_index as double) as share_index,
        cast(full_price_sell_through as double) as full_price_sell_through,
        cast(peer_full_price_sell_through as double) as peer_full_price_sell_through,
        cast(return_rate as double) as return_rate,
        cast(peer_return_rate as double) as peer_return_rate
    from guidance_reasoned
)

select * from final
