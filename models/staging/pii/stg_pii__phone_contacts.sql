{#
    Restricted: every mobile number the sources carry, normalised, keyed by its pseudonym, so
    that a consented customer's `phone_pseudonym` can be turned back into a number to
    contact. Read straight from the raw exports with the same normalisation as staging.
#}
with

orders as (
    select * from {{ source('ecommerce', 'orders') }}
),

users as (
    select * from {{ source('wechat', 'users') }}
),

receipts as (
    select * from {{ source('pos', 'receipts') }}
),

members as (
    select * from {{ source('crm', 'members') }}
),

responses as (
    select * from {{ source('survey', 'responses') }}
),

consents as (
    select * from {{ source('privacy', 'consents') }}
),

erasure_requests as (
    select * from {{ source('privacy', 'erasure_requests') }}
),

normalised as (
    select {{ normalize_phone('receiver_phone') }} as phone from orders
    union all
    select {{ normalize_phone('phone') }} as phone from users
    union all
    select {{ normalize_phone('customer_phone') }} as phone from receipts
    union all
    select {{ normalize_phone('phone') }} as phone from members
    union all
    select {{ normalize_phone('respondent_phone') }} as phone from responses
    union all
    select {{ normalize_phone('subject_value') }} as phone from consents
    where {{ clean_enum('subject_type') }} = 'phone'
    union all
    select {{ normalize_phone('subject_value') }} as phone from erasure_requests
    where {{ clean_enum('subject_type') }} = 'phone'
),

distinct_phones as (
    select distinct phone
    from normalised
    where phone is not null
),

final as (
    select
        {{ pseudonymize('phone') }} as phone_pseudonym,
        phone
    from distinct_phones
)

select * from final
