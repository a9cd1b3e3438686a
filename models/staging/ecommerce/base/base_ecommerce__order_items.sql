{#
    One row per raw order line, typed, with the reason it cannot be used (if any). Lines are
    keyed by platform, order number and line number.
#}
with

order_items as (
    select * from {{ source('ecommerce', 'order_items') }}
    {{ new_raw_rows(source('ecommerce', 'order_items')) }}
),

trimmed as (
    select
        {{ clean_text('order_id') }} as platform_order_id,
        {{ clean_enum('platform') }} as platform,
        {{ clean_text('line_no') }} as line_no,
        {{ clean_text('platform_sku_id') }} as platform_sku_id,
        {{ clean_text('sku_code') }} as sku_code,
        {{ clean_text('quantity') }} as quantity,
        {{ clean_text('unit_list_price') }} as unit_list_price,
        {{ clean_text('line_paid_amount') }} as line_paid_amount,
        {{ clean_enum('refund_status') }} as refund_status,
        _source_file,
        _row_number
    from order_items
),

typed as (
    select
        platform_order_id,
        platform,
        platform_sku_id,
        sku_code,
        refund_status,
        {{ parse_integer('line_no') }} as line_no,
        {{ parse_integer('quantity') }} as quantity,
        {{ parse_decimal('unit_list_price') }} as unit_list_price,
        {{ parse_decimal('line_paid_amount') }} as line_paid_amount,
        refund_status = 'refunded' as is_refunded,
        {# Raw text kept only to tell an empty value from an unreadable one. #}
        line_no as line_no_text,
        quantity as quantity_text,
        unit_list_price as unit_list_price_text,
        line_paid_amount as line_paid_amount_text,
        _source_file,
        _row_number
    from trimmed
),

keyed as (
    select
        {{ dbt.concat([
            "platform", "':'", "platform_order_id", "':'",
            "cast(line_no as " ~ dbt.type_string() ~ ")"
        ]) }} as order_item_id,
        {{ dbt.concat(["platform", "':'", "platform_order_id"]) }} as order_id,
        *
    from typed
),

checked as (
    select
        *,
        case
            when platform_order_id is null or platform is null or line_no_text is null
                then 'missing_required_field'
            when
                platform not in ('tmall', 'jd', 'douyin', 'pdd', 'wechat_mall')
                or refund_status not in ('none', 'refunded')
                or line_no is null
                or line_no < 1
                or (quantity_text is not null and quantity is null)
                or (unit_list_price_text is not null and unit_list_price is null)
                or (line_paid_amount_text is not null and line_paid_amount is null)
                or quantity < 1
                or unit_list_price < 0
                or line_paid_amount < 0
                then 'invalid_value'
        end as reject_reason
    from keyed
),

final as (
    select
        order_item_id,
        order_id,
        platform_order_id,
        platform,
        platform_sku_id,
        sku_code,
        refund_status,
        line_no,
        quantity,
        unit_list_price,
        line_paid_amount,
        is_refunded,
        reject_reason,
        _source_file,
        _row_number
    from checked
)

select * from final
