with

platform_skus as (
    select * from {{ ref('base_catalog__platform_skus') }}
),

usable_platform_skus as (
    select * from platform_skus
    where reject_reason is null
),

deduplicated as (
    select * from usable_platform_skus
    qualify row_number() over (
        partition by platform_sku_mapping_id order by _row_number
    ) = 1
),

final as (
    select
        -- ids
        platform_sku_mapping_id,
        platform_sku_id,
        sku_code,

        -- strings
        platform,

        -- lineage
        _source_file,
        _row_number
    from deduplicated
)

select * from final
