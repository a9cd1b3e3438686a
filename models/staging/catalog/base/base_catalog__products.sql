with

products as (
    select * from {{ source('catalog', 'products') }}
),

trimmed as (
    select
        {{ clean_text(to_halfwidth('sku_code')) }} as sku_code,
        {{ clean_text(to_halfwidth('spu_code')) }} as spu_code,
        {{ clean_text('product_name') }} as product_name,
        {{ clean_text('category_l1') }} as category_l1,
        {{ clean_text('category_l2') }} as category_l2,
        upper({{ clean_text(to_halfwidth('season')) }}) as season,
        {{ clean_enum('gender_target') }} as gender_target,
        upper({{ clean_text(to_halfwidth('size')) }}) as size,
        {{ clean_text('color') }} as color,
        {{ clean_text('list_price') }} as list_price,
        {{ clean_text('launched_at') }} as launched_at,
        _source_file,
        _row_number
    from products
),

typed as (
    select
        sku_code,
        spu_code,
        product_name,
        category_l1,
        category_l2,
        season,
        gender_target,
        size,
        color,
        {{ parse_decimal('list_price') }} as list_price,
        coalesce(
            {{ parse_date('launched_at') }}, cast({{ parse_timestamp('launched_at') }} as date)
        ) as launched_date,
        launched_at is not null
        and {{ parse_date('launched_at') }} is null
        and {{ parse_timestamp('launched_at') }} is null as has_unreadable_timestamp,
        list_price is not null
        and {{ parse_decimal('list_price') }} is null as has_unreadable_value,
        _source_file,
        _row_number
    from trimmed
),

checked as (
    select
        sku_code,
        spu_code,
        product_name,
        category_l1,
        category_l2,
        season,
        gender_target,
        size,
        color,
        list_price,
        launched_date,
        case
            when sku_code is null then 'missing_required_field'
            when has_unreadable_timestamp then 'invalid_timestamp'
            when has_unreadable_value then 'invalid_value'
        end as reject_reason,
        _source_file,
        _row_number
    from typed
)

select * from checked
