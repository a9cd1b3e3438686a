{{ config(**incremental_by_key('wechat_user_id')) }}

with

users as {{ not_materialized() }} (
    select * from {{ ref('base_wechat__users') }}
),

{% if is_incremental() %}
    {# Kept up to date by key (docs/incremental.md): the keys with an export loaded since
       this model's last build get their winner chosen again among all their exports. #}
    keys_with_new_exports as (
        select wechat_user_id from users
        where {{ loaded_since_this() }}
    ),

    usable_users as (
        select * from users
        where
            reject_reason is null
            and wechat_user_id in (
                select keys_with_new_exports.wechat_user_id from keys_with_new_exports
            )
    ),
{% else %}
    usable_users as (
        select * from users
        where reject_reason is null
    ),
{% endif %}

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
        _row_number,
        {{ built_at() }} as _built_at
    from deduplicated
)

select * from final
