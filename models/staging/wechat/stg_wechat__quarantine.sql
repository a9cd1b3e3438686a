{#
    Raw WeChat rows that cannot be used, with the reason and where they came from. Only the
    business key is kept, a profile's openid as its pseudonym, so the quarantine holds no
    personal data.
#}
with

users as (
    select * from {{ ref('base_wechat__users') }}
),

location_shares as (
    select * from {{ ref('base_wechat__location_shares') }}
),

rejected_users as (
    select
        'wechat.users' as source_table,
        coalesce(wechat_user_id, openid_pseudonym) as record_id,
        reject_reason,
        _source_file,
        _row_number
    from users
    where reject_reason is not null
),

rejected_location_shares as (
    select
        'wechat.location_shares' as source_table,
        location_share_id as record_id,
        reject_reason,
        _source_file,
        _row_number
    from location_shares
    where reject_reason is not null
),

unioned as (
    select * from rejected_users
    union all
    select * from rejected_location_shares
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
