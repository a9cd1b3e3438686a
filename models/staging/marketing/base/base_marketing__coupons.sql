{#
    One row per raw coupon row, typed, with the reason it cannot be used (if any). The holder
    (openid or loyalty card) leaves as a keyed pseudonym of its normalised value.
#}
with

coupons as (
    select * from {{ source('marketing', 'coupons') }}
    {{ new_raw_rows(source('marketing', 'coupons')) }}
),

trimmed as (
    select
        {{ clean_text('coupon_id') }} as coupon_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_enum('issued_channel') }} as issued_channel,
        {{ clean_text('issued_to_openid') }} as issued_to_openid,
        {{ clean_text(to_halfwidth('issued_to_member_card_no')) }} as issued_to_member_card_no,
        {{ clean_text('face_value') }} as face_value,
        {{ clean_text('min_spend') }} as min_spend,
        {{ clean_text('issued_at') }} as issued_at,
        {{ clean_text('redeemed_at') }} as redeemed_at,
        {{ clean_enum('redeemed_channel') }} as redeemed_channel,
        {{ clean_text('redeemed_order_id') }} as redeemed_platform_order_id,
        {{ clean_text('redeemed_receipt_id') }} as redeemed_receipt_id,
        {{ clean_text('redeemed_store_id') }} as redeemed_store_id,
        _source_file,
        _row_number
    from coupons
),

typed as (
    select
        coupon_id,
        campaign_id,
        issued_to_openid,
        issued_to_member_card_no,
        redeemed_platform_order_id,
        redeemed_receipt_id,
        redeemed_store_id,
        issued_channel,
        redeemed_channel,
        {{ parse_decimal('face_value') }} as face_value,
        {{ parse_decimal('min_spend') }} as min_spend,
        {{ parse_timestamp('issued_at') }} as issued_at,
        {{ parse_timestamp('redeemed_at') }} as redeemed_at,
        {# Raw text kept only to tell an empty value from an unreadable one, so that each
           value is parsed once. #}
        face_value as face_value_text,
        min_spend as min_spend_text,
        issued_at as issued_at_text,
        redeemed_at as redeemed_at_text,
        _source_file,
        _row_number
    from trimmed
),

flagged as (
    select
        *,
        issued_at_text is null as is_missing_issued_at,
        (issued_at_text is not null and issued_at is null)
        or (redeemed_at_text is not null and redeemed_at is null) as has_unreadable_timestamp,
        (
            issued_channel not in ('wechat', 'tmall', 'jd', 'store')
            or redeemed_channel not in ('online', 'offline')
            or (face_value_text is not null and face_value is null)
            or (min_spend_text is not null and min_spend is null)
        ) as has_unreadable_value
    from typed
),

checked as (
    select
        coupon_id,
        campaign_id,
        {{ pseudonymize('issued_to_openid') }} as issued_to_openid_pseudonym,
        {{ pseudonymize('issued_to_member_card_no') }} as issued_to_member_card_pseudonym,
        redeemed_platform_order_id,
        redeemed_receipt_id,
        redeemed_store_id,
        issued_channel,
        redeemed_channel,
        face_value,
        min_spend,
        redeemed_at is not null as is_redeemed,
        issued_at,
        redeemed_at,
        case
            when coupon_id is null or is_missing_issued_at then 'missing_required_field'
            when has_unreadable_timestamp then 'invalid_timestamp'
            when {{ is_future_timestamp('issued_at') }} then 'future_timestamp'
            when has_unreadable_value then 'invalid_value'
        end as reject_reason,
        _source_file,
        _row_number
    from flagged
)

select * from checked
