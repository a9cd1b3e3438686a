{{ config(**incremental_by_key('receipt_id')) }}

with

receipts as {{ not_materialized() }} (
    select * from {{ ref('base_pos__receipts') }}
),

{% if is_incremental() %}
    {# Kept up to date by key (docs/incremental.md): the keys with an export loaded since
       this model's last build get their winner chosen again among all their exports. #}
    keys_with_new_exports as (
        select receipt_id from receipts
        where {{ loaded_since_this() }}
    ),

    usable_receipts as (
        select * from receipts
        where
            reject_reason is null
            and receipt_id in (
                select keys_with_new_exports.receipt_id from keys_with_new_exports
            )
    ),
{% else %}
    usable_receipts as (
        select * from receipts
        where reject_reason is null
    ),
{% endif %}

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
        _row_number,
        {{ built_at() }} as _built_at
    from deduplicated
)

select * from final
