{#
    Restricted: the consignee of each staged online order (buyer id, name, phone, street
    address), from the same raw row that `stg_ecommerce__orders` kept (its latest export),
    keyed like it and carrying its pseudonyms for joining.
#}
with

orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

raw_orders as (
    select * from {{ source('ecommerce', 'orders') }}
),

joined as (
    select
        orders.order_id,
        orders.buyer_pseudonym,
        orders.receiver_phone_pseudonym,
        orders.platform,
        {{ clean_text('raw_orders.buyer_id') }} as buyer_id,
        {{ clean_text('raw_orders.receiver_name') }} as receiver_name,
        {{ normalize_phone('raw_orders.receiver_phone') }} as receiver_phone,
        orders.receiver_province,
        orders.receiver_city,
        orders.receiver_district,
        {{ clean_text('raw_orders.receiver_address') }} as receiver_address
    from orders
    inner join raw_orders
        on
            orders._source_file = raw_orders._source_file
            and orders._row_number = raw_orders._row_number
),

final as (
    select
        order_id,
        buyer_pseudonym,
        receiver_phone_pseudonym,
        buyer_id,
        platform,
        case
            when not {{ has_broken_encoding('receiver_name') }} then receiver_name
        end as receiver_name,
        receiver_phone,
        receiver_province,
        receiver_city,
        receiver_district,
        case
            when not {{ has_broken_encoding('receiver_address') }} then receiver_address
        end as receiver_address
    from joined
)

select * from final
