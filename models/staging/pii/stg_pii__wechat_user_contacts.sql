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

erased_identifiers as (
    select * from {{ ref('int_privacy_erased_identifiers') }}
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

{# An erased person's profile keeps its (pseudonymous) staged row, without openid or name. #}
final as (
    select
        joined.wechat_user_id,
        joined.openid_pseudonym,
        joined.appid,
        case when erased_identifiers.identifier_value is null then joined.openid end as openid,
        case
            when
                erased_identifiers.identifier_value is null
                and not {{ has_broken_encoding('joined.nickname') }}
                then joined.nickname
        end as nickname,
        erased_identifiers.identifier_value is not null as is_erased
    from joined
    left join erased_identifiers
        on
            erased_identifiers.identifier_type = 'openid'
            and joined.openid_pseudonym = erased_identifiers.identifier_value
)

select * from final
