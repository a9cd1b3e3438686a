with

receipts as (
    select * from {{ ref('base_pos__receipts') }}
),

usable_receipts as (
    select * from receipts
    where reject_reason is null
),

deduplicated as (
    select * from usable_receipts
    qualify row_number() over (
        partition by receipt_id
        order by {{ newest_export_first() }}
    ) = 1
),

final as (
    select
        -- ids
        receipt_id,
        store_id,
        register_id,
        cashier_id,
        member_card_pseudonym,
        customer_phone_pseudonym,
        original_receipt_id,

        -- strings
        customer_phone_invalid_reason,
        receipt_type,
        payment_method,

        -- numerics
        gross_amount,
        discount_amount,
        paid_amount,

        -- booleans
        is_return,

        -- timestamps
        txn_at,
        updated_at,

        -- lineage
        _source_file,
        _row_number
    from deduplicated
)

select * from final
