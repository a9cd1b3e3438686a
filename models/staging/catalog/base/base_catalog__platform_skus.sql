with

platform_skus as (
    select * from {{ source('catalog', 'platform_skus') }}
),

trimmed as (
    select
        {{ clean_enum('platform') }} as platform,
        {{ clean_text(to_halfwidth('platform_sku_id')) }} as platform_sku_id,
        {{ clean_text(to_halfwidth('sku_code')) }} as sku_code,
        _source_file,
        _row_number
    from platform_skus
),

checked as (
    select
        {# An item id is unique only within its platform. #}
        case
            when platform is not null and platform_sku_id is not null
                then {{ dbt.concat(["platform", "':'", "platform_sku_id"]) }}
        end as platform_sku_mapping_id,
        platform_sku_id,
        sku_code,
        platform,
        case
            when platform is null or platform_sku_id is null then 'missing_required_field'
            when platform not in ('tmall', 'jd', 'douyin', 'pdd', 'wechat_mall')
                then 'invalid_value'
        end as reject_reason,
        _source_file,
        _row_number
    from trimmed
)

select * from checked
