{#
    Restricted: the consignee of each staged online order (buyer id, name, phone, street
    address), from the same raw row that `stg_ecommerce__orders` kept (its latest export),
    keyed like it and carrying its pseudonyms for joining.
#}
with

orders as {{ not_materialized() }} (
    select * from {{ ref('stg_ecommerce__orders') }}
),

raw_orders as (
    select * from {{ source('ecommerce', 'orders') }}
),

records as (
    select * from {{ ref('int_identity_records_resolved') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

erased_identifiers as (
    select * from {{ ref('int_privacy_erased_identifiers') }}
),

erased_orders as (
    select records.source_record_id as order_id
    from records
    inner join erasures
        on records.customer_id = erasures.customer_id
    where records.source_model = 'stg_ecommerce__orders'
    union
    select orders.order_id
    from orders
    inner join erased_identifiers
        on
            erased_identifiers.identifier_type = 'phone'
            and orders.receiver_phone_pseudonym = erased_identifiers.identifier_value
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

{# An erased person's order keeps its (pseudonymous) staged row and its district, without
   buyer id, name, phone or street address. #}
blanked as (
    select
        joined.*,
        erased_orders.order_id is not null as is_erased
    from joined
    left join erased_orders
        on joined.order_id = erased_orders.order_id
),

final as (
    select
        order_id,
        buyer_pseudonym,
        receiver_phone_pseudonym,
        case when not is_erased then buyer_id end as buyer_id,
        platform,
        case
            when not is_erased and not {{ has_broken_encoding('receiver_name') }}
                then receiver_name
        end as receiver_name,
        case when not is_erased then receiver_phone end as receiver_phone,
        receiver_province,
        receiver_city,
        receiver_district,
        case
            when not is_erased and not {{ has_broken_encoding('receiver_address') }}
                then receiver_address
        end as receiver_address,
        is_erased
    from blanked
)

select * from final
