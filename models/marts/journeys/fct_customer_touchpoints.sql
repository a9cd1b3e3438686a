{{ config(**incremental_by_key('touchpoint_id', removed_unless='touchpoint_type')) }}

{#- Every column after the key, in the order of `touchpoints_current`: compared with the
    stored row on an incremental run, and written. -#}
{%- set touchpoint_columns = [
    'customer_id', 'order_id', 'coupon_id', 'source_record_id', 'store_id',
    'touchpoint_type', 'channel', 'platform', 'coupon_issued_channel', 'register_scene',
    'province', 'city', 'district', 'amount', 'is_pickup_in_store', 'occurred_at',
] %}

with

orders as {{ not_materialized() }} (
    select * from {{ ref('fct_orders') }}
),

online_orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

coupons as (
    select * from {{ ref('stg_marketing__coupons') }}
),

wechat_users as (
    select * from {{ ref('stg_wechat__users') }}
),

location_shares as (
    select * from {{ ref('stg_wechat__location_shares') }}
),

records_resolved as {{ not_materialized() }} (
    select * from {{ ref('int_identity_records_resolved') }}
),

consents as (
    select * from {{ ref('int_privacy_consents_resolved') }}
),

erasures as {{ not_materialized() }} (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

orders_rewritten as (
    {# A purchase or return depends only on its order's row in `fct_orders` (customer,
       erasure and amounts included) and, for an online refund, on the staged order, which
       `fct_orders` rewrites whenever it changes. On an incremental run these are the orders
       `fct_orders` wrote since this model's newest row; every other order's purchase and
       return stay as stored. #}
    select * from orders
    {% if is_incremental() %}
        where {{ written_since_this() }}
    {% endif %}
),

purchases as (
    select
        'purchase:' || order_id as touchpoint_id,
        customer_id,
        order_id,
        cast(null as {{ dbt.type_string() }}) as coupon_id,
        order_id as source_record_id,
        store_id,
        'purchase' as touchpoint_type,
        channel,
        platform,
        cast(null as {{ dbt.type_string() }}) as coupon_issued_channel,
        cast(null as {{ dbt.type_string() }}) as register_scene,
        cast(null as {{ dbt.type_string() }}) as province,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as district,
        paid_amount as amount,
        is_pickup_in_store,
        ordered_at as occurred_at
    from orders_rewritten
    where is_paid and not is_return
),

offline_returns as (
    select
        'return:' || order_id as touchpoint_id,
        customer_id,
        order_id,
        cast(null as {{ dbt.type_string() }}) as coupon_id,
        order_id as source_record_id,
        store_id,
        'return' as touchpoint_type,
        channel,
        platform,
        cast(null as {{ dbt.type_string() }}) as coupon_issued_channel,
        cast(null as {{ dbt.type_string() }}) as register_scene,
        cast(null as {{ dbt.type_string() }}) as province,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as district,
        paid_amount as amount,
        false as is_pickup_in_store,
        ordered_at as occurred_at
    from orders_rewritten
    where is_return
),

online_refunds as (
    {# The exports carry no refund time: the order's last update is when the refund was
       recorded, the nearest the platforms give. #}
    select
        'return:' || orders_rewritten.order_id as touchpoint_id,
        orders_rewritten.customer_id,
        orders_rewritten.order_id,
        cast(null as {{ dbt.type_string() }}) as coupon_id,
        orders_rewritten.order_id as source_record_id,
        orders_rewritten.store_id,
        'return' as touchpoint_type,
        orders_rewritten.channel,
        orders_rewritten.platform,
        cast(null as {{ dbt.type_string() }}) as coupon_issued_channel,
        cast(null as {{ dbt.type_string() }}) as register_scene,
        cast(null as {{ dbt.type_string() }}) as province,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as district,
        -orders_rewritten.refund_amount as amount,
        orders_rewritten.is_pickup_in_store,
        coalesce(online_orders.updated_at, orders_rewritten.ordered_at) as occurred_at
    from orders_rewritten
    inner join online_orders
        on orders_rewritten.order_id = online_orders.order_id
    where orders_rewritten.is_paid and orders_rewritten.has_refund
),

coupon_customers as (
    select
        coupons.*,
        records_resolved.customer_id
    from coupons
    inner join records_resolved
        on
            coupons.coupon_id = records_resolved.source_record_id
            and records_resolved.source_model = 'stg_marketing__coupons'
),

coupon_claims as (
    {# Claimed in the store (handed out at the till) is offline; on WeChat, Tmall or JD it
       is online, whichever channel the coupon can later be used in. #}
    select
        'coupon_claim:' || coupon_id as touchpoint_id,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        coupon_id,
        coupon_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as store_id,
        'coupon_claim' as touchpoint_type,
        case when issued_channel = 'store' then 'offline' else 'online' end as channel,
        cast(null as {{ dbt.type_string() }}) as platform,
        issued_channel as coupon_issued_channel,
        cast(null as {{ dbt.type_string() }}) as register_scene,
        cast(null as {{ dbt.type_string() }}) as province,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as district,
        face_value as amount,
        false as is_pickup_in_store,
        issued_at as occurred_at
    from coupon_customers
),

redeemed_orders_matched as (
    {# A platform order number is unique only within its platform: an online redemption
       names the order among the online orders, a store redemption the receipt. #}
    select
        coupon_customers.coupon_id,
        orders.order_id,
        orders.platform,
        orders.store_id,
        orders.is_pickup_in_store
    from coupon_customers
    inner join orders
        on coupon_customers.redeemed_platform_order_id = orders.platform_order_id
    where coupon_customers.redeemed_channel = 'online' and orders.channel = 'online'
    union all
    select
        coupon_customers.coupon_id,
        orders.order_id,
        orders.platform,
        orders.store_id,
        orders.is_pickup_in_store
    from coupon_customers
    inner join orders
        on coupon_customers.redeemed_receipt_id = orders.pos_receipt_id
    where coupon_customers.redeemed_channel = 'offline'
),

redeemed_orders as (
    {# Should two platforms share an order number, one order per coupon, deterministically. #}
    select * from redeemed_orders_matched
    qualify row_number() over (
        partition by coupon_id
        order by order_id asc
    ) = 1
),

coupon_redemptions as (
    select
        'coupon_redemption:' || coupon_customers.coupon_id as touchpoint_id,
        coupon_customers.customer_id,
        redeemed_orders.order_id,
        coupon_customers.coupon_id,
        coupon_customers.coupon_id as source_record_id,
        coalesce(coupon_customers.redeemed_store_id, redeemed_orders.store_id) as store_id,
        'coupon_redemption' as touchpoint_type,
        coupon_customers.redeemed_channel as channel,
        redeemed_orders.platform,
        coupon_customers.issued_channel as coupon_issued_channel,
        cast(null as {{ dbt.type_string() }}) as register_scene,
        cast(null as {{ dbt.type_string() }}) as province,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as district,
        coupon_customers.face_value as amount,
        coalesce(redeemed_orders.is_pickup_in_store, false) as is_pickup_in_store,
        coupon_customers.redeemed_at as occurred_at
    from coupon_customers
    left join redeemed_orders
        on coupon_customers.coupon_id = redeemed_orders.coupon_id
    where coupon_customers.is_redeemed and coupon_customers.redeemed_at is not null
),

registrations as (
    {# Scanning a store's QR code to follow the brand happens in the store: offline. Any
       other way into the mini-program or official account is online. #}
    select
        'wechat_registration:' || wechat_users.wechat_user_id as touchpoint_id,
        records_resolved.customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(null as {{ dbt.type_string() }}) as coupon_id,
        wechat_users.wechat_user_id as source_record_id,
        wechat_users.register_store_id as store_id,
        'wechat_registration' as touchpoint_type,
        case
            when wechat_users.register_scene = 'store_qr' then 'offline' else 'online'
        end as channel,
        cast(null as {{ dbt.type_string() }}) as platform,
        cast(null as {{ dbt.type_string() }}) as coupon_issued_channel,
        wechat_users.register_scene,
        cast(null as {{ dbt.type_string() }}) as province,
        cast(null as {{ dbt.type_string() }}) as city,
        cast(null as {{ dbt.type_string() }}) as district,
        cast(null as decimal(18, 2)) as amount,
        false as is_pickup_in_store,
        wechat_users.registered_at as occurred_at
    from wechat_users
    inner join records_resolved
        on
            wechat_users.wechat_user_id = records_resolved.source_record_id
            and records_resolved.source_model = 'stg_wechat__users'
    where wechat_users.registered_at is not null
),

location_consents as (
    select customer_id
    from consents
    where purpose = 'location' and is_granted
),

shares as (
    {# Only under the customer's location consent in force, and only the area: no
       coordinates, no street. #}
    select
        'location_share:' || location_shares.location_share_id as touchpoint_id,
        records_resolved.customer_id,
        cast(null as {{ dbt.type_string() }}) as order_id,
        cast(null as {{ dbt.type_string() }}) as coupon_id,
        location_shares.location_share_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as store_id,
        'location_share' as touchpoint_type,
        'online' as channel,
        cast(null as {{ dbt.type_string() }}) as platform,
        cast(null as {{ dbt.type_string() }}) as coupon_issued_channel,
        cast(null as {{ dbt.type_string() }}) as register_scene,
        location_shares.province,
        location_shares.city,
        location_shares.district,
        cast(null as decimal(18, 2)) as amount,
        false as is_pickup_in_store,
        location_shares.shared_at as occurred_at
    from location_shares
    inner join records_resolved
        on
            location_shares.location_share_id = records_resolved.source_record_id
            and records_resolved.source_model = 'stg_wechat__location_shares'
    inner join location_consents
        on records_resolved.customer_id = location_consents.customer_id
),

unioned as {{ not_materialized() }} (
    select * from purchases
    union all
    select * from offline_returns
    union all
    select * from online_refunds
    union all
    select * from coupon_claims
    union all
    select * from coupon_redemptions
    union all
    select * from registrations
    union all
    select * from shares
),

customers_kept as {{ not_materialized() }} (
    {# Touchpoints are per person: no anonymous event, nothing of an erased customer. #}
    select unioned.*
    from unioned
    left join erasures
        on unioned.customer_id = erasures.customer_id
    where unioned.customer_id is not null and erasures.customer_id is null
),

touchpoints_current as {{ not_materialized() }} (
    select
        -- ids
        touchpoint_id,
        customer_id,
        order_id,
        coupon_id,
        source_record_id,
        store_id,

        -- strings
        touchpoint_type,
        channel,
        platform,
        coupon_issued_channel,
        register_scene,
        province,
        city,
        district,

        -- numerics
        cast(amount as decimal(18, 2)) as amount,

        -- booleans
        is_pickup_in_store,

        -- timestamps
        occurred_at
    from customers_kept
),

{% if is_incremental() %}
    {{- check_compared_columns(touchpoint_columns, 'touchpoint_id') }}
    {# Rebuilt by key (docs/incremental.md): the purchases and returns of the orders
       rewritten above, each of their ids removed when the order no longer has it (unpaid,
       refund taken back, customer erased or unresolved); and every other touchpoint compared
       with its stored row, since a coupon, a registration or a share changes with identity,
       consents and erasures, which carry no time: written when new or different, removed
       when no longer there. Every other stored row stays. #}
    stored_others as (
        select
            touchpoint_id,
            {{ touchpoint_columns | join(',\n            ') }}
        from {{ this }}
        where touchpoint_type not in ('purchase', 'return')
    ),

    current_others as (
        select * from touchpoints_current
        where touchpoint_type not in ('purchase', 'return')
    ),

    {# One join of the current and the stored rows by key, every column compared; the
       current row is carried along (null when removed). #}
    others_compared as (
        select
            coalesce(current_others.touchpoint_id, stored_others.touchpoint_id)
                as touchpoint_id,
            {%- for column in touchpoint_columns %}
                current_others.{{ column }},
            {%- endfor %}
            current_others.touchpoint_id is null as is_removed
        from current_others
        full outer join stored_others
            on current_others.touchpoint_id = stored_others.touchpoint_id
        where
            current_others.touchpoint_id is null
            or stored_others.touchpoint_id is null
            {%- for column in touchpoint_columns %}
                or current_others.{{ column }} is distinct from stored_others.{{ column }}
            {%- endfor %}
    ),

    rows_written as (
        select * from touchpoints_current
        where touchpoint_type in ('purchase', 'return')
        union all
        select
            touchpoint_id,
            {{ touchpoint_columns | join(',\n            ') }}
        from others_compared
        where not is_removed
    ),

    keys_written as (
        select touchpoint_id from rows_written
        union
        select 'purchase:' || order_id as touchpoint_id from orders_rewritten
        union
        select 'return:' || order_id as touchpoint_id from orders_rewritten
        union
        select touchpoint_id from others_compared
        where is_removed
    ),

    {# A key without a row is a removal: all its columns null
       (`incremental_by_key`'s `removed_unless`). #}
    touchpoints_written as (
        select
            keys_written.touchpoint_id as written_touchpoint_id,
            rows_written.*
        from keys_written
        left join rows_written
            on keys_written.touchpoint_id = rows_written.touchpoint_id
    ),
{% else %}
    touchpoints_written as (
        select
            touchpoints_current.touchpoint_id as written_touchpoint_id,
            touchpoints_current.*
        from touchpoints_current
    ),
{% endif %}

final as (
    select
        written_touchpoint_id as touchpoint_id,
        {%- for column in touchpoint_columns %}
            {{ column }},
        {%- endfor %}

        -- lineage
        {{ built_at() }} as _built_at
    from touchpoints_written
)

select * from final
