{#
    Restricted: every WeChat openid the sources carry, trimmed, keyed by its pseudonym
    (profiles, location shares, coupon holders, WeChat mini-store buyers, privacy subjects).
    The appid to send through is on the profile (`stg_pii__wechat_user_contacts`).
#}
with

users as (
    select * from {{ source('wechat', 'users') }}
),

location_shares as (
    select * from {{ source('wechat', 'location_shares') }}
),

coupons as (
    select * from {{ source('marketing', 'coupons') }}
),

orders as (
    select * from {{ source('ecommerce', 'orders') }}
),

consents as (
    select * from {{ source('privacy', 'consents') }}
),

erasure_requests as (
    select * from {{ source('privacy', 'erasure_requests') }}
),

trimmed as (
    select {{ clean_text('openid') }} as openid from users
    union all
    select {{ clean_text('openid') }} as openid from location_shares
    union all
    select {{ clean_text('issued_to_openid') }} as openid from coupons
    union all
    select {{ clean_text('buyer_id') }} as openid from orders
    where {{ clean_enum('platform') }} = 'wechat_mall'
    union all
    select {{ clean_text('subject_value') }} as openid from consents
    where {{ clean_enum('subject_type') }} = 'openid'
    union all
    select {{ clean_text('subject_value') }} as openid from erasure_requests
    where {{ clean_enum('subject_type') }} = 'openid'
),

distinct_openids as (
    select distinct openid
    from trimmed
    where openid is not null
),

final as (
    select
        {{ pseudonymize('openid') }} as openid_pseudonym,
        openid
    from distinct_openids
)

select * from final
