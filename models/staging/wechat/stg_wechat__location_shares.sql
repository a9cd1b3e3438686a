with

location_shares as (
    select * from {{ ref('base_wechat__location_shares') }}
),

usable_location_shares as (
    select * from location_shares
    where reject_reason is null
),

deduplicated as (
    {# Shares carry no updated_at: a repeated export is the same share, keep the first. #}
    select * from usable_location_shares
    qualify row_number() over (
        partition by location_share_id
        order by _row_number asc
    ) = 1
),

final as (
    select
        -- ids
        location_share_id,
        wechat_user_id,
        openid_pseudonym,
        device_pseudonym,
        appid,

        -- strings
        coord_system,
        province,
        city,
        district,
        street,

        -- numerics
        latitude,
        longitude,
        accuracy_m,

        -- booleans
        is_coordinate_swapped,

        -- timestamps
        shared_at,

        -- lineage
        _source_file,
        _row_number
    from deduplicated
)

select * from final
