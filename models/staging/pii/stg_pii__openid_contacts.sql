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

{# A profile's openid recurs on each of its location shares, coupons and orders: it is
   trimmed once per distinct raw text, not once per row. #}
raw_openids as (
    select openid as raw_openid from users
    union
    select openid as raw_openid from location_shares
    union
    select issued_to_openid as raw_openid from coupons
    union
    select buyer_id as raw_openid from orders
    where {{ clean_enum('platform') }} = 'wechat_mall'
    union
    select subject_value as raw_openid from consents
    where {{ clean_enum('subject_type') }} = 'openid'
),

trimmed as (
    select {{ clean_text('raw_openid') }} as openid
    from raw_openids
),

{# `count(openid) > 0` drops the null openid as `where openid is not null` would, but stays
   above the distinct: DuckDB pushes the plain filter below it and then evaluates the rules
   a second time, as a filter on the raw values. #}
distinct_openids as (
    select openid
    from trimmed
    group by 1
    having count(openid) > 0
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
