{#
    Restricted: the consignee of each staged online order (buyer id, name, phone, street
    address), from the same raw row that `stg_ecommerce__orders` kept (its latest export),
    keyed like it and carrying its pseudonyms for joining.
    Kept up to date by key (docs/incremental.md, "Rebuilt by key"): an incremental run
    rewrites the orders staged since its last build and the orders whose erasure changed.
#}
{{ config(**incremental_by_key('order_id')) }}

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

{% if is_incremental() %}
    {# A row depends on its staged order, the raw row that order kept, and whether it is
       erased: the orders written in staging since this model's newest row, and those whose
       erasure differs from the stored row's (an erasure, or a merge into or a split from an
       erased customer). Every other stored row stays. #}
    stored_erased_orders as (
        select order_id from {{ this }}
        where is_erased
    ),

    erasure_changed_orders as (
        select coalesce(erased_orders.order_id, stored_erased_orders.order_id) as order_id
        from erased_orders
        full outer join stored_erased_orders
            on erased_orders.order_id = stored_erased_orders.order_id
        where erased_orders.order_id is null or stored_erased_orders.order_id is null
    ),

    orders_rebuilt as (
        select order_id from orders
        where {{ written_since_this() }}
        union distinct
        select order_id from erasure_changed_orders
    ),

    orders_selected as (
        select * from orders
        where order_id in (select orders_rebuilt.order_id from orders_rebuilt)
    ),
{% else %}
    orders_selected as (
        select * from orders
    ),
{% endif %}

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
    from orders_selected as orders
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
        is_erased,

        -- lineage
        {{ built_at() }} as _built_at
    from blanked
)

select * from final
