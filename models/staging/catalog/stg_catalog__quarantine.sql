{#
    Raw catalogue rows that cannot be used, with the reason and where they came from.
#}
with

products as (
    select * from {{ ref('base_catalog__products') }}
),

platform_skus as (
    select * from {{ ref('base_catalog__platform_skus') }}
),

rejected_products as (
    select
        'catalog.products' as source_table,
        sku_code as record_id,
        reject_reason,
        _source_file,
        _row_number
    from products
    where reject_reason is not null
),

rejected_platform_skus as (
    select
        'catalog.platform_skus' as source_table,
        coalesce(platform_sku_mapping_id, platform_sku_id) as record_id,
        reject_reason,
        _source_file,
        _row_number
    from platform_skus
    where reject_reason is not null
),

unioned as (
    select * from rejected_products
    union all
    select * from rejected_platform_skus
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
