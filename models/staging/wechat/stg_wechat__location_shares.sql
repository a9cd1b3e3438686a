{#- A share never changes and the first export of it wins, so a share once staged stays as it
    is: an incremental run appends the shares first seen in the rows loaded since its last
    build (docs/incremental.md), on DuckDB and Spark alike. -#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

location_shares as (
    select * from {{ ref('base_wechat__location_shares') }}
    {% if is_incremental() %}
        {# Every raw row up to the newest kept one was read by an earlier run. #}
        where {{ loaded_since_this() }}
    {% endif %}
),

usable_location_shares as (
    select * from location_shares
    where reject_reason is null
),

first_exports as (
    {# Shares carry no updated_at: a repeated export is the same share, keep the first. #}
    select * from usable_location_shares
    qualify row_number() over (
        partition by location_share_id
        order by _row_number asc
    ) = 1
),

{% if is_incremental() %}
    deduplicated as (
        {# An export of a share already kept came after the kept one: it is a repeat. #}
        select first_exports.*
        from first_exports
        left join {{ this }} as kept
            on first_exports.location_share_id = kept.location_share_id
        where kept.location_share_id is null
    ),
{% else %}
    deduplicated as (
        select * from first_exports
    ),
{% endif %}

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
        _row_number,
        {{ built_at() }} as _built_at
    from deduplicated
)

select * from final
