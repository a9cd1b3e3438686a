{#
    Restricted: the raw openid and nickname of each staged WeChat profile, from the same raw
    row that `stg_wechat__users` kept, keyed like it.
#}
with

users as (
    select * from {{ ref('stg_wechat__users') }}
),

raw_users as (
    select * from {{ source('wechat', 'users') }}
),

joined as (
    select
        users.wechat_user_id,
        users.openid_pseudonym,
        users.appid,
        {{ clean_text('raw_users.openid') }} as openid,
        {{ clean_text('raw_users.nickname') }} as nickname
    from users
    inner join raw_users
        on
            users._source_file = raw_users._source_file
            and users._row_number = raw_users._row_number
),

final as (
    select
        wechat_user_id,
        openid_pseudonym,
        appid,
        openid,
        case when not {{ has_broken_encoding('nickname') }} then nickname end as nickname
    from joined
)

select * from final
