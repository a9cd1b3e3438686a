{# Net revenue and row counts per channel agree between the staged orders and receipts and
   fct_orders: online, paid orders net of refunds; offline, every receipt's paid amount
   (returns are negative). Returns one row per channel that disagrees. #}
with

online_orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

receipts as (
    select * from {{ ref('stg_pos__receipts') }}
),

fct_orders as (
    select * from {{ ref('fct_orders') }}
),

staged_totals as (
    select
        'online' as channel,
        count(*) as row_count,
        sum(
            case
                when paid_at is not null then paid_amount - coalesce(refund_amount, 0)
                else 0
            end
        ) as net_amount
    from online_orders
    union all
    select
        'offline' as channel,
        count(*) as row_count,
        sum(paid_amount) as net_amount
    from receipts
),

mart_totals as (
    select
        channel,
        count(*) as row_count,
        sum(net_amount) as net_amount
    from fct_orders
    group by 1
),

compared as (
    select
        staged_totals.channel,
        staged_totals.row_count as staged_rows,
        mart_totals.row_count as mart_rows,
        staged_totals.net_amount as staged_net_amount,
        mart_totals.net_amount as mart_net_amount
    from staged_totals
    left join mart_totals
        on staged_totals.channel = mart_totals.channel
)

select * from compared
where
    mart_rows is null
    or staged_rows != mart_rows
    or abs(coalesce(staged_net_amount, 0) - coalesce(mart_net_amount, 0)) >= 0.01
