{#
    Restricted: every WeChat openid the sources carry, trimmed, keyed by its pseudonym
    (profiles, location shares, coupon holders, WeChat mini-store buyers, consent subjects);
    an erased person's openids are left out.
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

erased_identifiers as (
    select * from {{ ref('int_privacy_erased_identifiers') }}
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
),

distinct_openids as (
    select distinct openid
    from trimmed
    where openid is not null
),

pseudonymised as (
    select
        {{ pseudonymize('openid') }} as openid_pseudonym,
        openid
    from distinct_openids
),

{# An erased person's openids leave the area. #}
final as (
    select pseudonymised.*
    from pseudonymised
    left join erased_identifiers
        on
            erased_identifiers.identifier_type = 'openid'
            and pseudonymised.openid_pseudonym = erased_identifiers.identifier_value
    where erased_identifiers.identifier_value is null
)

select * from final
