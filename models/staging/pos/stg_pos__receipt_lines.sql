{{ config(**incremental_by_key('receipt_line_id')) }}

with

receipt_lines as {{ not_materialized() }} (
    select * from {{ ref('base_pos__receipt_lines') }}
),

{% if is_incremental() %}
    {# Kept up to date by key (docs/incremental.md): the keys with an export loaded since
       this model's last build get their winner chosen again among all their exports. #}
    keys_with_new_exports as (
        select receipt_line_id from receipt_lines
        where {{ loaded_since_this() }}
    ),

    usable_receipt_lines as (
        select * from receipt_lines
        where
            reject_reason is null
            and receipt_line_id in (
                select keys_with_new_exports.receipt_line_id from keys_with_new_exports
            )
    ),
{% else %}
    usable_receipt_lines as (
        select * from receipt_lines
        where reject_reason is null
    ),
{% endif %}

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
        _row_number,
        {{ built_at() }} as _built_at
    from deduplicated
)

select * from final
