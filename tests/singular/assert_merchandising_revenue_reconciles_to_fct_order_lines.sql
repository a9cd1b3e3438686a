{# The merchandising marts add up to fct_order_lines. Per channel, the category aggregate's
   sales, returns, net revenue, units and lines equal the paid lines' (sales: lines not on a
   return receipt; returns: refunded online lines, offline return-receipt lines); every
   unsuppressed cell of fct_category_channel_performance shows the aggregate's figures; and
   the store guidance's net revenue equals the offline lines'. Returns one row per check that
   fails. #}
with

order_lines as {{ not_materialized() }} (
    select * from {{ ref('fct_order_lines') }}
),

category_sales as {{ not_materialized() }} (
    select * from {{ ref('int_category_sales_aggregated') }}
),

performance as {{ not_materialized() }} (
    select * from {{ ref('fct_category_channel_performance') }}
),

guidance as (
    select * from {{ ref('fct_store_category_guidance') }}
),

line_totals as (
    select
        channel,
        sum(case when not is_return then 1 else 0 end) as line_count,
        sum(case when not is_return then quantity else 0 end) as units_sold,
        sum(case when not is_return then paid_amount else 0 end) as sales_amount,
        sum(
            case
                when channel = 'online' and is_returned then paid_amount
                when is_return then -paid_amount
                else 0
            end
        ) as returned_amount,
        sum(
            case
                when channel = 'online' and is_returned then 0
                else paid_amount
            end
        ) as net_revenue
    from order_lines
    where is_paid
    group by 1
),

aggregate_totals as (
    select
        channel,
        sum(line_count) as line_count,
        sum(units_sold) as units_sold,
        sum(sales_amount) as sales_amount,
        sum(returned_amount) as returned_amount,
        sum(net_revenue) as net_revenue
    from category_sales
    group by 1
),

channels_compared as (
    select
        {{ dbt.concat(["'channel totals differ: '", "line_totals.channel"]) }} as problem
    from line_totals
    left join aggregate_totals
        on line_totals.channel = aggregate_totals.channel
    where
        aggregate_totals.channel is null
        or line_totals.line_count != aggregate_totals.line_count
        or line_totals.units_sold != aggregate_totals.units_sold
        or abs(line_totals.sales_amount - aggregate_totals.sales_amount) >= 0.01
        or abs(line_totals.returned_amount - aggregate_totals.returned_amount) >= 0.01
        or abs(line_totals.net_revenue - aggregate_totals.net_revenue) >= 0.01
),

cells_compared as (
    select
        {{ dbt.concat(["'published cell differs: '", "performance.category_channel_region_id"]) }}
            as problem
    from performance
    left join category_sales
        on performance.category_channel_region_id = category_sales.category_sales_id
    where
        category_sales.category_sales_id is null
        or (
            not performance.is_suppressed
            and (
                performance.units_sold != category_sales.units_sold
                or performance.net_revenue != category_sales.net_revenue
                or performance.sales_amount != category_sales.sales_amount
            )
        )
),

published_cells_counted as (
    select count(*) as cell_count
    from performance
),

aggregated_cells_counted as (
    select count(*) as cell_count
    from category_sales
),

cell_counts_compared as (
    select 'cell count differs' as problem
    from published_cells_counted
    cross join aggregated_cells_counted
    where published_cells_counted.cell_count != aggregated_cells_counted.cell_count
),

offline_lines_totalled as (
    select sum(paid_amount) as net_revenue
    from order_lines
    where channel = 'offline' and is_paid
),

guidance_totalled as (
    select sum(net_revenue) as net_revenue
    from guidance
),

store_totals_compared as (
    select 'store guidance net revenue differs from offline lines' as problem
    from offline_lines_totalled
    cross join guidance_totalled
    where
        abs(
            coalesce(offline_lines_totalled.net_revenue, 0)
            - coalesce(guidance_totalled.net_revenue, 0)
        ) >= 0.01
)

select * from channels_compared
union all
select * from cells_compared
union all
select * from cell_counts_compared
union all
select * from store_totals_compared
