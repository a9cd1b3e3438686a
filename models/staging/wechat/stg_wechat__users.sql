with

users as (
    select * from {{ ref('base_wechat__users') }}
),

usable_users as (
    select * from users
    where reject_reason is null
),

deduplicated as (
    {# The latest export of a profile wins; exact repeats tie on updated_at. #}
    select * from usable_users
    qualify row_number() over (
        partition by wechat_user_id
        order by {{ newest_export_first() }}
    ) = 1
),

final as (
    select
        -- ids
        wechat_user_id,
        openid_pseudonym,
        unionid_pseudonym,
        phone_pseudonym,
        appid,
        register_store_id,

        -- strings
        gender,
        phone_invalid_reason,
        register_scene,

        -- booleans
        has_broken_encoding,
        has_invalid_birth_date,

        -- dates
        birth_date,

        -- timestamps
        registered_at,
        updated_at,

        -- lineage
        _source_file,
        _row_number
    from deduplicated
)

select * from final
