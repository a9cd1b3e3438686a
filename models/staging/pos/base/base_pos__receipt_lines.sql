with

receipt_lines as (
    select * from {{ source('pos', 'receipt_lines') }}
    {{ new_raw_rows(source('pos', 'receipt_lines')) }}
),

trimmed as (
    select
        {{ clean_text('receipt_id') }} as receipt_id,
        {{ clean_text(to_halfwidth('line_no')) }} as line_no,
        {{ clean_text('sku_code') }} as sku_code,
        {{ clean_text(to_halfwidth('quantity')) }} as quantity,
        {{ clean_text(to_halfwidth('unit_list_price')) }} as unit_list_price,
        {{ clean_text(to_halfwidth('line_paid_amount')) }} as line_paid_amount,
        _source_file,
        _row_number
    from receipt_lines
),

typed as (
    select
        receipt_id,
        sku_code,
        {{ parse_integer('line_no') }} as line_no,
        {{ parse_integer('quantity') }} as quantity,
        {{ parse_decimal('unit_list_price') }} as unit_list_price,
        {{ parse_decimal('line_paid_amount') }} as line_paid_amount,
        {# Raw text kept only to tell an empty value from an unreadable one, so that each
           value is parsed once. #}
        line_no as line_no_text,
        quantity as quantity_text,
        unit_list_price as unit_list_price_text,
        line_paid_amount as line_paid_amount_text,
        _source_file,
        _row_number
    from trimmed
),

flagged as (
    select
        receipt_id,
        sku_code,
        line_no,
        quantity,
        unit_list_price,
        line_paid_amount,
        line_no_text is null as is_missing_line_no,
        (
            (line_no_text is not null and line_no is null)
            or (quantity_text is not null and quantity is null)
            or (unit_list_price_text is not null and unit_list_price is null)
            or (line_paid_amount_text is not null and line_paid_amount is null)
        ) as has_unreadable_value,
        _source_file,
        _row_number
    from typed
),

checked as (
    select
        case
            when receipt_id is not null and line_no is not null
                then {{ dbt.concat([
                    "receipt_id", "':'", "cast(line_no as " ~ dbt.type_string() ~ ")"
                ]) }}
        end as receipt_line_id,
        receipt_id,
        sku_code,
        line_no,
        quantity,
        unit_list_price,
        line_paid_amount,
        case
            when receipt_id is null or is_missing_line_no then 'missing_required_field'
            when has_unreadable_value then 'invalid_value'
        end as reject_reason,
        _source_file,
        _row_number
    from flagged
)

select * from checked
