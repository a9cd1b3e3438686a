{#
    Raw marketing rows that cannot be used, with the reason and where they came from. Only
    the coupon code is kept, so the quarantine holds no personal data.
#}
with

coupons as (
    select * from {{ ref('base_marketing__coupons') }}
),

rejected_coupons as (
    select
        'marketing.coupons' as source_table,
        coupon_id as record_id,
        reject_reason,
        _source_file,
        _row_number
    from coupons
    where reject_reason is not null
),

final as (
    select
        {{ quarantine_id() }} as quarantine_id,
        source_table,
        record_id,
        reject_reason,
        _source_file,
        _row_number
    from rejected_coupons
)

select * from final
