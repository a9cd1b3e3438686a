{#
    Raw POS rows that cannot be used, with the reason and where they came from. Only the
    business key is kept, so the quarantine holds no personal data.
#}
with

stores as (
    select * from {{ ref('base_pos__stores') }}
),

receipts as (
    select * from {{ ref('base_pos__receipts') }}
),

receipt_lines as (
    select * from {{ ref('base_pos__receipt_lines') }}
),

rejected_stores as (
    select
        'pos.stores' as source_table,
        store_id as record_id,
        reject_reason,
        _source_file,
        _row_number
    from stores
    where reject_reason is not null
),

rejected_receipts as (
    select
        'pos.receipts' as source_table,
        receipt_id as record_id,
        reject_reason,
        _source_file,
        _row_number
    from receipts
    where reject_reason is not null
),

rejected_receipt_lines as (
    select
        'pos.receipt_lines' as source_table,
        coalesce(receipt_line_id, receipt_id) as record_id,
        reject_reason,
        _source_file,
        _row_number
    from receipt_lines
    where reject_reason is not null
),

unioned as (
    select * from rejected_stores
    union all
    select * from rejected_receipts
    union all
    select * from rejected_receipt_lines
),

final as (
    select
        {{ quarantine_id() }} as quarantine_id,
        source_table,
        record_id,
        reject_reason,
        _source_file,
        _row_number
    from unioned
)

select * from final
