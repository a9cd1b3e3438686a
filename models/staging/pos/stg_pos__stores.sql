with

stores as (
    select * from {{ ref('base_pos__stores') }}
),

usable_stores as (
    select * from stores
    where reject_reason is null
),

deduplicated as (
    select * from usable_stores
    qualify row_number() over (partition by store_id order by _row_number) = 1
),

final as (
    select
        -- ids
        store_id,

        -- strings
        store_name,
        store_format,
        province,
        city,
        district,
        street,
        address,

        -- numerics
        latitude,
        longitude,
        floor_area_sqm,

        -- booleans
        is_open,

        -- dates
        opened_date,
        closed_date,

        -- lineage
        _source_file,
        _row_number
    from deduplicated
)

select * from final
