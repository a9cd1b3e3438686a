{#
    Sales of every category by channel and province, before any small-cell suppression: what
    fct_category_channel_performance publishes (suppressed) and what adds up to
    fct_order_lines.
#}
{%- set deep = var('datong_merchandising_deep_discount_depth') -%}

with

order_lines as {{ not_materialized() }} (
    select * from {{ ref('fct_order_lines') }}
),

lines_classified as (
    select
        channel,
        coalesce(category_l1, '(unmapped)') as category_l1,
        coalesce(category_l2, '(unmapped)') as category_l2,
        coalesce(province, '(unknown)') as province,
        {# Anonymous till receipts count as one buyer each. #}
        coalesce(customer_id, order_id) as buyer_key,
        order_id,
        quantity,
        list_amount,
        paid_amount,
        not is_return as is_sale,
        is_full_price,
        {# A return of goods: online a refunded line, offline a line of a return receipt
           (negative quantity and amount; its sale line is not counted again). #}
        case
            when channel = 'online' and is_returned then quantity
            when is_return then -quantity
            else 0
        end as returned_units,
        case
            when channel = 'online' and is_returned then paid_amount
            when is_return then -paid_amount
            else 0
        end as returned_amount,
        coalesce(discount_depth >= {{ deep }}, false) as is_deep_discount
    from order_lines
    where is_paid
),

{# Distinct buyers and orders per cell are counted in two steps (the distinct pairs, then
   their number per cell): a plain aggregation, which spills to disk at scale, where a
   count(distinct) beside the sums ran out of memory at 1M persons. #}
cell_buyers as (
    select
        channel,
        category_l1,
        category_l2,
        province,
        buyer_key
    from lines_classified
    group by 1, 2, 3, 4, 5
),

cell_buyers_counted as (
    select
        channel,
        category_l1,
        category_l2,
        province,
        count(*) as buyer_count
    from cell_buyers
    group by 1, 2, 3, 4
),

cell_orders as (
    select
        channel,
        category_l1,
        category_l2,
        province,
        order_id
    from lines_classified
    where is_sale
    group by 1, 2, 3, 4, 5
),

cell_orders_counted as (
    select
        channel,
        category_l1,
        category_l2,
        province,
        count(*) as order_count
    from cell_orders
    group by 1, 2, 3, 4
),

cell_sums as (
    select
        channel,
        category_l1,
        category_l2,
        province,
        sum(case when is_sale then 1 else 0 end) as line_count,
        sum(case when is_sale then quantity else 0 end) as units_sold,
        sum(case when is_sale and is_full_price then quantity else 0 end) as full_price_units,
        sum(returned_units) as units_returned,
        sum(case when is_sale then list_amount else 0 end) as list_amount,
        sum(case when is_sale then paid_amount else 0 end) as sales_amount,
        sum(returned_amount) as returned_amount,
        sum(case when is_sale and is_deep_discount then 1 else 0 end) as deep_discount_line_count,
        sum(case when is_sale and is_deep_discount then quantity else 0 end)
            as deep_discount_units,
        sum(case when is_sale and not is_deep_discount then 1 else 0 end) as other_line_count,
        sum(case when is_sale and not is_deep_discount then quantity else 0 end) as other_units
    from lines_classified
    group by 1, 2, 3, 4
),

cells_aggregated as (
    select
        cell_sums.*,
        cell_buyers_counted.buyer_count,
        coalesce(cell_orders_counted.order_count, 0) as order_count
    from cell_sums
    inner join cell_buyers_counted
        on
            cell_sums.channel = cell_buyers_counted.channel
            and cell_sums.category_l1 = cell_buyers_counted.category_l1
            and cell_sums.category_l2 = cell_buyers_counted.category_l2
            and cell_sums.province = cell_buyers_counted.province
    left join cell_orders_counted
        on
            cell_sums.channel = cell_orders_counted.channel
            and cell_sums.category_l1 = cell_orders_counted.category_l1
            and cell_sums.category_l2 = cell_orders_counted.category_l2
            and cell_sums.province = cell_orders_counted.province
),

final as (
    select
        -- ids
        {{ dbt.concat([
            "category_l1", "'|'", "category_l2", "'|'", "channel", "'|'", "province",
        ]) }} as category_sales_id,

        -- strings
        category_l1,
        category_l2,
        channel,
        province,

        -- numerics
        cast(buyer_count as bigint) as buyer_count,
        cast(order_count as bigint) as order_count,
        cast(line_count as bigint) as line_count,
        cast(units_sold as bigint) as units_sold,
        cast(full_price_units as bigint) as full_price_units,
        cast(units_returned as bigint) as units_returned,
        cast(list_amount as decimal(18, 2)) as list_amount,
        cast(sales_amount as decimal(18, 2)) as sales_amount,
        cast(returned_amount as decimal(18, 2)) as returned_amount,
        cast(sales_amount - returned_amount as decimal(18, 2)) as net_revenue,
        cast(deep_discount_line_count as bigint) as deep_discount_line_count,
        cast(deep_discount_units as bigint) as deep_discount_units,
        cast(other_line_count as bigint) as other_line_count,
        cast(other_units as bigint) as other_units
    from cells_aggregated
)

select * from final
