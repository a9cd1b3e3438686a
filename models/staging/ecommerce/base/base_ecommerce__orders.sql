{#
    One row per raw order row, typed and normalised, with the reason it cannot be used (if
    any). The order key is platform-scoped, so `order_id` joins the platform to the
    platform's order number. Identifiers leave as keyed pseudonyms of their normalised value;
    the receiver's name and street address do not leave at all (they are in the `pii` area).
#}
with

orders as (
    select * from {{ source('ecommerce', 'orders') }}
    {{ new_raw_rows(source('ecommerce', 'orders')) }}
),

trimmed as (
    select
        {{ clean_text('order_id') }} as platform_order_id,
        {{ clean_enum('platform') }} as platform,
        {{ clean_text('shop_id') }} as shop_id,
        {{ clean_text('buyer_id') }} as buyer_id,
        {{ clean_text('receiver_name') }} as receiver_name,
        {# Every phone rule tests this one candidate: computed once, not once per rule. #}
        {{ phone_candidate('receiver_phone') }} as receiver_phone_candidate,
        {{ clean_text('receiver_province') }} as receiver_province,
        {{ clean_text('receiver_city') }} as receiver_city,
        {{ clean_text('receiver_district') }} as receiver_district,
        {{ clean_text('receiver_address') }} as receiver_address,
        {{ clean_text('pickup_store_id') }} as pickup_store_id,
        {{ clean_enum('status') }} as status,
        {{ clean_text('goods_amount') }} as goods_amount,
        {{ clean_text('discount_amount') }} as discount_amount,
        {{ clean_text('shipping_fee') }} as shipping_fee,
        {{ clean_text('paid_amount') }} as paid_amount,
        {{ clean_text('refund_amount') }} as refund_amount,
        {{ clean_text('created_at') }} as created_at,
        {{ clean_text('paid_at') }} as paid_at,
        {{ clean_text('updated_at') }} as updated_at,
        _source_file,
        _row_number
    from orders
),

typed as (
    select
        {{ dbt.concat(["platform", "':'", "platform_order_id"]) }} as order_id,
        platform_order_id,
        platform,
        shop_id,
        buyer_id,
        pickup_store_id,
        case
            when not {{ has_broken_encoding('receiver_name') }} then receiver_name
        end as receiver_name,
        {{ normalize_phone('receiver_phone_candidate', is_candidate=true) }} as receiver_phone,
        case
            when {{ is_masked_phone('receiver_phone_candidate', is_candidate=true) }}
                then receiver_phone_candidate
        end as receiver_phone_masked,
        {{ phone_invalid_reason('receiver_phone_candidate', is_candidate=true) }}
            as receiver_phone_invalid_reason,
        receiver_province,
        receiver_city,
        receiver_district,
        case
            when not {{ has_broken_encoding('receiver_address') }} then receiver_address
        end as receiver_address,
        status,
        {{ parse_decimal('goods_amount') }} as goods_amount,
        {{ parse_decimal('discount_amount') }} as discount_amount,
        {{ parse_decimal('shipping_fee') }} as shipping_fee,
        {{ parse_decimal('paid_amount') }} as paid_amount,
        {{ parse_decimal('refund_amount') }} as refund_amount,
        {{ is_masked_phone('receiver_phone_candidate', is_candidate=true) }}
            as is_receiver_phone_masked,
        pickup_store_id is not null as is_pickup_in_store,
        {{ has_broken_encoding('receiver_name') }}
        or {{ has_broken_encoding('receiver_address') }} as has_broken_encoding,
        {{ parse_timestamp('created_at') }} as created_at,
        {{ parse_timestamp('paid_at') }} as paid_at,
        {{ parse_timestamp('updated_at') }} as updated_at,
        {# Raw text kept only to tell an empty value from an unreadable one. #}
        created_at as created_at_text,
        paid_at as paid_at_text,
        updated_at as updated_at_text,
        goods_amount as goods_amount_text,
        discount_amount as discount_amount_text,
        shipping_fee as shipping_fee_text,
        paid_amount as paid_amount_text,
        refund_amount as refund_amount_text,
        _source_file,
        _row_number
    from trimmed
),

checked as (
    select
        *,
        case
            when
                platform_order_id is null
                or platform is null
                or created_at_text is null
                or updated_at_text is null
                then 'missing_required_field'
            when
                created_at is null
                or updated_at is null
                or (paid_at_text is not null and paid_at is null)
                then 'invalid_timestamp'
            when {{ is_future_timestamp('created_at') }} then 'future_timestamp'
            {# A refund is a non-negative refund_amount on a refunded order, never a minus
               sign on what was paid. #}
            when paid_amount < 0 and status != 'refunded' then 'negative_amount_not_return'
            when
                platform not in ('tmall', 'jd', 'douyin', 'pdd', 'wechat_mall')
                or status not in ('created', 'paid', 'shipped', 'completed', 'refunded', 'closed')
                or (goods_amount_text is not null and goods_amount is null)
                or (discount_amount_text is not null and discount_amount is null)
                or (shipping_fee_text is not null and shipping_fee is null)
                or (paid_amount_text is not null and paid_amount is null)
                or (refund_amount_text is not null and refund_amount is null)
                or goods_amount < 0
                or discount_amount < 0
                or shipping_fee < 0
                or paid_amount < 0
                or refund_amount < 0
                then 'invalid_value'
        end as reject_reason
    from typed
),

consignees as (
    select
        *,
        {{ consignee_key('receiver_phone', 'receiver_phone_masked', 'receiver_name') }}
            as receiver_consignee
    from checked
),

final as (
    select
        order_id,
        platform_order_id,
        platform,
        shop_id,
        {{ pseudonymize('buyer_id') }} as buyer_pseudonym,
        {{ pseudonymize('receiver_phone') }} as receiver_phone_pseudonym,
        {{ pseudonymize('receiver_phone_masked') }} as receiver_phone_masked_pseudonym,
        {{ pseudonymize('receiver_consignee') }} as receiver_consignee_pseudonym,
        pickup_store_id,
        receiver_phone_invalid_reason,
        receiver_province,
        receiver_city,
        receiver_district,
        status,
        goods_amount,
        discount_amount,
        shipping_fee,
        paid_amount,
        refund_amount,
        is_receiver_phone_masked,
        is_pickup_in_store,
        has_broken_encoding,
        created_at,
        paid_at,
        updated_at,
        reject_reason,
        _source_file,
        _row_number
    from consignees
)

select * from final
