with

identifiers as {{ not_materialized() }} (
    select * from {{ ref('int_identifiers_resolved') }}
),

records as {{ not_materialized() }} (
    select * from {{ ref('int_identity_records_resolved') }}
),

orders as {{ not_materialized() }} (
    select * from {{ ref('fct_orders') }}
),

members as {{ not_materialized() }} (
    select * from {{ ref('stg_crm__members') }}
),

wechat_users as (
    select * from {{ ref('stg_wechat__users') }}
),

customer_areas as (
    select * from {{ ref('int_customer_areas_located') }}
),

consents as (
    select * from {{ ref('int_privacy_consents_resolved') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

customers_found as (
    select customer_id from identifiers
    where customer_id is not null
    union
    select customer_id from records
    where customer_id is not null
),

{# An erased customer has no row at all; their orders stay in fct_orders without them. #}
customers as (
    select customers_found.customer_id
    from customers_found
    left join erasures
        on customers_found.customer_id = erasures.customer_id
    where erasures.customer_id is null
),

{# The consent in force per purpose; no event means no consent (opt-in). #}
consents_pivoted as (
    select
        customer_id,
        max(
            case when purpose = 'location' and is_granted then 1 else 0 end
        ) as location_granted,
        max(
            case when purpose = 'profiling' and is_granted then 1 else 0 end
        ) as profiling_granted,
        max(
            case when purpose = 'marketing' and is_granted then 1 else 0 end
        ) as marketing_granted
    from consents
    group by 1
),

identifiers_counted as (
    select
        customer_id,
        count(*) as identifier_count,
        sum(case when identifier_type = 'phone' then 1 else 0 end) as phone_count,
        sum(case when identifier_type = 'unionid' then 1 else 0 end) as unionid_count,
        sum(case when identifier_type = 'openid' then 1 else 0 end) as openid_count,
        sum(case when identifier_type = 'member_card' then 1 else 0 end) as member_card_count,
        sum(case when identifier_type = 'buyer_id' then 1 else 0 end) as buyer_id_count,
        sum(case when identifier_type = 'device_id' then 1 else 0 end) as device_id_count,
        sum(
            case when identifier_type = 'masked_phone' then 1 else 0 end
        ) as masked_phone_count,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at
    from identifiers
    where customer_id is not null
    group by 1
),

purchases_summarised as (
    select
        customer_id,
        sum(case when is_paid and not is_return then 1 else 0 end) as purchase_count,
        sum(
            case when is_paid and not is_return and channel = 'online' then 1 else 0 end
        ) as online_purchase_count,
        sum(
            case when is_paid and not is_return and channel = 'offline' then 1 else 0 end
        ) as offline_purchase_count,
        sum(net_amount) as net_revenue,
        min(case when is_first_purchase_ever then ordered_at end) as first_purchase_at,
        min(
            case when is_first_purchase_in_channel and channel = 'online' then ordered_at end
        ) as first_online_purchase_at,
        min(
            case when is_first_purchase_in_channel and channel = 'offline' then ordered_at end
        ) as first_offline_purchase_at,
        max(case when is_paid and not is_return then ordered_at end) as last_purchase_at
    from orders
    where customer_id is not null
    group by 1
),

first_channels as (
    select
        customer_id,
        channel as first_purchase_channel
    from orders
    where is_first_purchase_ever
),

{# Survivorship of gender and birth date: what the person entered at loyalty enrolment
   (the card updated last) over the WeChat profile (updated last). #}
profile_candidates as (
    select
        records.customer_id,
        1 as source_rank,
        'crm' as profile_source,
        members.gender,
        members.birth_date,
        members.updated_at
    from members
    inner join records
        on
            records.source_model = 'stg_crm__members'
            and members.member_id = records.source_record_id
    union all
    select
        records.customer_id,
        2 as source_rank,
        'wechat' as profile_source,
        {# WeChat reports `unknown` when the user did not say: no information. #}
        nullif(wechat_users.gender, 'unknown') as gender,
        wechat_users.birth_date,
        wechat_users.updated_at
    from wechat_users
    inner join records
        on
            records.source_model = 'stg_wechat__users'
            and wechat_users.wechat_user_id = records.source_record_id
),

genders_survived as (
    select
        customer_id,
        gender,
        profile_source as gender_source
    from profile_candidates
    where customer_id is not null and gender is not null
    qualify row_number() over (
        partition by customer_id
        order by source_rank asc, updated_at desc, gender asc
    ) = 1
),

birth_dates_survived as (
    select
        customer_id,
        birth_date,
        profile_source as birth_date_source
    from profile_candidates
    where customer_id is not null and birth_date is not null
    qualify row_number() over (
        partition by customer_id
        order by source_rank asc, updated_at desc, birth_date asc
    ) = 1
),

{# Tier and status: the card the CRM changed last; an active card over a frozen or
   cancelled one. #}
memberships_survived as (
    select
        records.customer_id,
        members.tier,
        members.status as membership_status,
        members.enrolled_at
    from members
    inner join records
        on
            records.source_model = 'stg_crm__members'
            and members.member_id = records.source_record_id
    where records.customer_id is not null
    qualify row_number() over (
        partition by records.customer_id
        order by
            case when members.status = 'active' then 0 else 1 end asc,
            members.updated_at desc,
            members.member_id asc
    ) = 1
),

first_enrolments as (
    select
        records.customer_id,
        min(members.enrolled_at) as first_enrolled_at
    from members
    inner join records
        on
            records.source_model = 'stg_crm__members'
            and members.member_id = records.source_record_id
    where records.customer_id is not null
    group by 1
),

{# Home region: int_customer_areas_located decides it (deliveries and consented location
   shares first, store visits only without either; docs/geography.md). Location shares count
   only under a location consent in force, so a withdrawal takes them out in the next build. #}
home_regions as (
    select
        customer_id,
        home_province,
        home_city,
        home_district,
        home_district_source
    from customer_areas
),

joined as (
    select
        customers.customer_id,
        genders_survived.gender,
        genders_survived.gender_source,
        birth_dates_survived.birth_date_source,
        memberships_survived.tier,
        memberships_survived.membership_status,
        home_regions.home_province,
        home_regions.home_city,
        home_regions.home_district,
        home_regions.home_district_source,
        first_channels.first_purchase_channel,
        case
            when
                purchases_summarised.online_purchase_count > 0
                and purchases_summarised.offline_purchase_count > 0
                then 'omnichannel'
            when purchases_summarised.online_purchase_count > 0 then 'online'
            when purchases_summarised.offline_purchase_count > 0 then 'offline'
            else 'none'
        end as channels_used,
        coalesce(purchases_summarised.purchase_count, 0) as purchase_count,
        coalesce(purchases_summarised.online_purchase_count, 0) as online_purchase_count,
        coalesce(purchases_summarised.offline_purchase_count, 0) as offline_purchase_count,
        coalesce(purchases_summarised.net_revenue, 0) as net_revenue,
        coalesce(identifiers_counted.identifier_count, 0) as identifier_count,
        coalesce(identifiers_counted.phone_count, 0) as phone_count,
        coalesce(identifiers_counted.unionid_count, 0) as unionid_count,
        coalesce(identifiers_counted.openid_count, 0) as openid_count,
        coalesce(identifiers_counted.member_card_count, 0) as member_card_count,
        coalesce(identifiers_counted.buyer_id_count, 0) as buyer_id_count,
        coalesce(identifiers_counted.device_id_count, 0) as device_id_count,
        coalesce(identifiers_counted.masked_phone_count, 0) as masked_phone_count,
        memberships_survived.tier is not null as is_loyalty_member,
        coalesce(consents_pivoted.location_granted, 0) = 1 as has_location_consent,
        coalesce(consents_pivoted.profiling_granted, 0) = 1 as has_profiling_consent,
        coalesce(consents_pivoted.marketing_granted, 0) = 1 as has_marketing_consent,
        birth_dates_survived.birth_date,
        first_enrolments.first_enrolled_at,
        purchases_summarised.first_purchase_at,
        purchases_summarised.first_online_purchase_at,
        purchases_summarised.first_offline_purchase_at,
        purchases_summarised.last_purchase_at,
        identifiers_counted.first_seen_at,
        identifiers_counted.last_seen_at
    from customers
    left join identifiers_counted
        on customers.customer_id = identifiers_counted.customer_id
    left join purchases_summarised
        on customers.customer_id = purchases_summarised.customer_id
    left join first_channels
        on customers.customer_id = first_channels.customer_id
    left join genders_survived
        on customers.customer_id = genders_survived.customer_id
    left join birth_dates_survived
        on customers.customer_id = birth_dates_survived.customer_id
    left join memberships_survived
        on customers.customer_id = memberships_survived.customer_id
    left join first_enrolments
        on customers.customer_id = first_enrolments.customer_id
    left join home_regions
        on customers.customer_id = home_regions.customer_id
    left join consents_pivoted
        on customers.customer_id = consents_pivoted.customer_id
),

final as (
    select
        -- ids
        customer_id,

        -- strings
        gender,
        gender_source,
        birth_date_source,
        tier,
        membership_status,
        home_province,
        home_city,
        home_district,
        home_district_source,
        first_purchase_channel,
        channels_used,

        -- numerics
        cast(purchase_count as bigint) as purchase_count,
        cast(online_purchase_count as bigint) as online_purchase_count,
        cast(offline_purchase_count as bigint) as offline_purchase_count,
        cast(net_revenue as decimal(18, 2)) as net_revenue,
        cast(identifier_count as bigint) as identifier_count,
        cast(phone_count as bigint) as phone_count,
        cast(unionid_count as bigint) as unionid_count,
        cast(openid_count as bigint) as openid_count,
        cast(member_card_count as bigint) as member_card_count,
        cast(buyer_id_count as bigint) as buyer_id_count,
        cast(device_id_count as bigint) as device_id_count,
        cast(masked_phone_count as bigint) as masked_phone_count,

        -- booleans
        is_loyalty_member,
        has_location_consent,
        has_profiling_consent,
        has_marketing_consent,

        -- dates
        birth_date,

        -- timestamps
        first_enrolled_at,
        first_purchase_at,
        first_online_purchase_at,
        first_offline_purchase_at,
        last_purchase_at,
        first_seen_at,
        last_seen_at
    from joined
)

select * from final
