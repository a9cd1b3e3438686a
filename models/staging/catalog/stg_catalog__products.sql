with

products as (
    select * from {{ ref('base_catalog__products') }}
),

usable_products as (
    select * from products
    where reject_reason is null
),

deduplicated as (
    select * from usable_products
    qualify row_number() over (partition by sku_code order by _row_number) = 1
),

final as (
    select
        -- ids
        sku_code,
        spu_code,

        -- strings
        product_name,
        category_l1,
        category_l2,
        season,
        gender_target,
        size,
        color,

        -- numerics
        list_price,

        -- dates
        launched_date,

        -- lineage
        _source_file,
        _row_number
    from deduplicated
)

select * from final
