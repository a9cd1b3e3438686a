{#- Every identifier carried by every staged record, typed and scoped. The import CTEs are the
    only place that knows staging's column names. Mini-store buyers and WeChat coupons carry an
    openid without its appid: it is the mini-program's (a retailer sets its own appid). -#}
{%- set mini_program_appid = var('datong_identity_mini_program_appid') -%}
{%- set default_card_program = var('datong_identity_default_card_program') -%}
with

orders as (
    select
        order_id,
        platform,
        pickup_store_id,
        buyer_pseudonym,
        receiver_phone_pseudonym,
        receiver_phone_masked_pseudonym,
        receiver_consignee_pseudonym,
        created_at
    from {{ ref('stg_ecommerce__orders') }}
),

wechat_users as (
    select
        wechat_user_id,
        appid,
        register_store_id,
        openid_pseudonym,
        unionid_pseudonym,
        phone_pseudonym,
        registered_at,
        updated_at
    from {{ ref('stg_wechat__users') }}
),

location_shares as (
    select
        location_share_id,
        appid,
        openid_pseudonym,
        device_pseudonym,
        shared_at
    from {{ ref('stg_wechat__location_shares') }}
),

receipts as (
    select
        receipt_id,
        store_id,
        member_card_pseudonym,
        customer_phone_pseudonym,
        txn_at
    from {{ ref('stg_pos__receipts') }}
),

members as (
    select
        member_id,
        program,
        enrolled_store_id,
        member_card_pseudonym,
        phone_pseudonym,
        unionid_pseudonym,
        member_consignee_pseudonym,
        enrolled_at,
        updated_at
    from {{ ref('stg_crm__members') }}
),

coupons as (
    select
        coupon_id,
        redeemed_store_id,
        issued_to_openid_pseudonym,
        issued_to_member_card_pseudonym,
        issued_at
    from {{ ref('stg_marketing__coupons') }}
),

{# Receipts and coupons carry a card number without its programme: it is the programme that
    issued that number, when exactly one did. #}
card_programs as (
    select
        member_card_pseudonym,
        min(program) as card_program
    from members
    group by 1
    having count(distinct program) = 1
),

order_sightings as (
    select
        'stg_ecommerce__orders' as source_model,
        order_id as source_record_id,
        'buyer_pseudonym' as carrier_column,
        case when platform = 'wechat_mall' then 'openid' else 'buyer_id' end as identifier_type,
        case
            when platform = 'wechat_mall' then '{{ mini_program_appid }}'
            else platform
        end as identifier_scope,
        buyer_pseudonym as identifier_value,
        pickup_store_id as store_id,
        created_at as seen_at
    from orders

    union all

    select
        'stg_ecommerce__orders' as source_model,
        order_id as source_record_id,
        'receiver_phone_pseudonym' as carrier_column,
        'phone' as identifier_type,
        'global' as identifier_scope,
        receiver_phone_pseudonym as identifier_value,
        pickup_store_id as store_id,
        created_at as seen_at
    from orders

    union all

    select
        'stg_ecommerce__orders' as source_model,
        order_id as source_record_id,
        'receiver_phone_masked_pseudonym' as carrier_column,
        'masked_phone' as identifier_type,
        'global' as identifier_scope,
        receiver_phone_masked_pseudonym as identifier_value,
        pickup_store_id as store_id,
        created_at as seen_at
    from orders

    union all

    select
        'stg_ecommerce__orders' as source_model,
        order_id as source_record_id,
        'receiver_consignee_pseudonym' as carrier_column,
        'consignee' as identifier_type,
        'global' as identifier_scope,
        receiver_consignee_pseudonym as identifier_value,
        pickup_store_id as store_id,
        created_at as seen_at
    from orders
),

wechat_user_sightings as (
    select
        'stg_wechat__users' as source_model,
        wechat_user_id as source_record_id,
        'openid_pseudonym' as carrier_column,
        'openid' as identifier_type,
        appid as identifier_scope,
        openid_pseudonym as identifier_value,
        register_store_id as store_id,
        coalesce(registered_at, updated_at) as seen_at
    from wechat_users

    union all

    select
        'stg_wechat__users' as source_model,
        wechat_user_id as source_record_id,
        'unionid_pseudonym' as carrier_column,
        'unionid' as identifier_type,
        'global' as identifier_scope,
        unionid_pseudonym as identifier_value,
        register_store_id as store_id,
        coalesce(registered_at, updated_at) as seen_at
    from wechat_users

    union all

    select
        'stg_wechat__users' as source_model,
        wechat_user_id as source_record_id,
        'phone_pseudonym' as carrier_column,
        'phone' as identifier_type,
        'global' as identifier_scope,
        phone_pseudonym as identifier_value,
        register_store_id as store_id,
        coalesce(registered_at, updated_at) as seen_at
    from wechat_users
),

location_share_sightings as (
    select
        'stg_wechat__location_shares' as source_model,
        location_share_id as source_record_id,
        'openid_pseudonym' as carrier_column,
        'openid' as identifier_type,
        appid as identifier_scope,
        openid_pseudonym as identifier_value,
        cast(null as {{ dbt.type_string() }}) as store_id,
        shared_at as seen_at
    from location_shares

    union all

    select
        'stg_wechat__location_shares' as source_model,
        location_share_id as source_record_id,
        'device_pseudonym' as carrier_column,
        'device_id' as identifier_type,
        'global' as identifier_scope,
        device_pseudonym as identifier_value,
        cast(null as {{ dbt.type_string() }}) as store_id,
        shared_at as seen_at
    from location_shares
),

receipt_sightings as (
    select
        'stg_pos__receipts' as source_model,
        receipts.receipt_id as source_record_id,
        'member_card_pseudonym' as carrier_column,
        'member_card' as identifier_type,
        coalesce(
            card_programs.card_program, '{{ default_card_program }}'
        ) as identifier_scope,
        receipts.member_card_pseudonym as identifier_value,
        receipts.store_id,
        receipts.txn_at as seen_at
    from receipts
    left join card_programs
        on receipts.member_card_pseudonym = card_programs.member_card_pseudonym

    union all

    select
        'stg_pos__receipts' as source_model,
        receipt_id as source_record_id,
        'customer_phone_pseudonym' as carrier_column,
        'phone' as identifier_type,
        'global' as identifier_scope,
        customer_phone_pseudonym as identifier_value,
        store_id,
        txn_at as seen_at
    from receipts
),

member_sightings as (
    select
        'stg_crm__members' as source_model,
        member_id as source_record_id,
        'member_card_pseudonym' as carrier_column,
        'member_card' as identifier_type,
        program as identifier_scope,
        member_card_pseudonym as identifier_value,
        enrolled_store_id as store_id,
        coalesce(enrolled_at, updated_at) as seen_at
    from members

    union all

    select
        'stg_crm__members' as source_model,
        member_id as source_record_id,
        'phone_pseudonym' as carrier_column,
        'phone' as identifier_type,
        'global' as identifier_scope,
        phone_pseudonym as identifier_value,
        enrolled_store_id as store_id,
        coalesce(enrolled_at, updated_at) as seen_at
    from members

    union all

    select
        'stg_crm__members' as source_model,
        member_id as source_record_id,
        'unionid_pseudonym' as carrier_column,
        'unionid' as identifier_type,
        'global' as identifier_scope,
        unionid_pseudonym as identifier_value,
        enrolled_store_id as store_id,
        coalesce(enrolled_at, updated_at) as seen_at
    from members

    union all

    select
        'stg_crm__members' as source_model,
        member_id as source_record_id,
        'member_consignee_pseudonym' as carrier_column,
        'consignee' as identifier_type,
        'global' as identifier_scope,
        member_consignee_pseudonym as identifier_value,
        enrolled_store_id as store_id,
        coalesce(enrolled_at, updated_at) as seen_at
    from members
),

coupon_sightings as (
    select
        'stg_marketing__coupons' as source_model,
        coupon_id as source_record_id,
        'issued_to_openid_pseudonym' as carrier_column,
        'openid' as identifier_type,
        '{{ mini_program_appid }}' as identifier_scope,
        issued_to_openid_pseudonym as identifier_value,
        redeemed_store_id as store_id,
        issued_at as seen_at
    from coupons

    union all

    select
        'stg_marketing__coupons' as source_model,
        coupons.coupon_id as source_record_id,
        'issued_to_member_card_pseudonym' as carrier_column,
        'member_card' as identifier_type,
        coalesce(
            card_programs.card_program, '{{ default_card_program }}'
        ) as identifier_scope,
        coupons.issued_to_member_card_pseudonym as identifier_value,
        coupons.redeemed_store_id as store_id,
        coupons.issued_at as seen_at
    from coupons
    left join card_programs
        on coupons.issued_to_member_card_pseudonym = card_programs.member_card_pseudonym
),

all_sightings as (
    select * from order_sightings
    union all
    select * from wechat_user_sightings
    union all
    select * from location_share_sightings
    union all
    select * from receipt_sightings
    union all
    select * from member_sightings
    union all
    select * from coupon_sightings
),

identified as (
    select
        {{ dbt.concat(["source_model", "'|'", "source_record_id", "'|'", "carrier_column"]) }}
            as sighting_id,
        source_model,
        source_record_id,
        {{ dbt.concat(["identifier_type", "':'", "identifier_scope", "':'", "identifier_value"]) }}
            as identifier_id,
        carrier_column,
        identifier_type,
        identifier_scope,
        identifier_value,
        store_id,
        seen_at
    from all_sightings
    where identifier_value is not null
)

select * from identified
