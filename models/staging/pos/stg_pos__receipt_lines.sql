with

receipt_lines as (
    select * from {{ ref('base_pos__receipt_lines') }}
),

usable_receipt_lines as (
    select * from receipt_lines
    where reject_reason is null
),

deduplicated as (
    select * from usable_receipt_lines
    qualify row_number() over (partition by receipt_line_id order by _row_number) = 1
),

final as (
    select
        -- ids
        receipt_line_id,
        receipt_id,
        sku_code,

        -- numerics
        line_no,
        quantity,
        unit_list_price,
        line_paid_amount,

        -- lineage
        _source_file,
        _row_number
    from deduplicated
)

select * from final
