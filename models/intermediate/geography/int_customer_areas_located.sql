{#
    One row per customer (erased customers left out) with a home area, from three kinds of
    sighting: delivery addresses of online orders (pick-ups excluded: they carry the store's
    area), location shares (only under a current location consent) and the stores of the
    customer's sale receipts. Deliveries and shares say where the person lives; a store only
    says where they shop, so store visits decide only when nothing else was seen.
#}
with

online_orders as (
    select * from {{ ref('stg_ecommerce__orders') }}
),

orders as {{ not_materialized() }} (
    select * from {{ ref('fct_orders') }}
),

location_shares as (
    select * from {{ ref('stg_wechat__location_shares') }}
),

stores as (
    select * from {{ ref('stg_pos__stores') }}
),

records as (
    select * from {{ ref('int_identity_records_resolved') }}
),

consents as {{ not_materialized() }} (
    select * from {{ ref('int_privacy_consents_resolved') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

location_consents as (
    select customer_id from consents
    where purpose = 'location' and is_granted
),

delivery_sightings as (
    select
        orders.customer_id,
        'delivery' as sighting_source,
        online_orders.receiver_province as province,
        online_orders.receiver_city as city,
        online_orders.receiver_district as district,
        online_orders.created_at as seen_at
    from online_orders
    inner join orders
        on online_orders.order_id = orders.order_id
    where
        orders.customer_id is not null
        and not online_orders.is_pickup_in_store
        and online_orders.receiver_province is not null
        and online_orders.receiver_city is not null
        and online_orders.receiver_district is not null
),

consented_shares as (
    select
        records.customer_id,
        location_shares.location_share_id,
        location_shares.province,
        location_shares.city,
        location_shares.district,
        location_shares.street,
        location_shares.latitude,
        location_shares.longitude,
        location_shares.shared_at
    from location_shares
    inner join records
        on
            records.source_model = 'stg_wechat__location_shares'
            and location_shares.location_share_id = records.source_record_id
    inner join location_consents
        on records.customer_id = location_consents.customer_id
    where
        location_shares.province is not null
        and location_shares.city is not null
        and location_shares.district is not null
),

share_sightings as (
    select
        customer_id,
        'location_share' as sighting_source,
        province,
        city,
        district,
        shared_at as seen_at
    from consented_shares
),

store_sightings as (
    select
        orders.customer_id,
        'store_visit' as sighting_source,
        stores.province,
        stores.city,
        stores.district,
        orders.ordered_at as seen_at
    from orders
    inner join stores
        on orders.store_id = stores.store_id
    where
        orders.customer_id is not null
        and not orders.is_return
        and stores.district is not null
),

sightings as (
    select * from delivery_sightings
    union all
    select * from share_sightings
    union all
    select * from store_sightings
),

sightings_kept as (
    select sightings.*
    from sightings
    left join erasures
        on sightings.customer_id = erasures.customer_id
    where erasures.customer_id is null
),

districts_counted as (
    select
        customer_id,
        province,
        city,
        district,
        {# Tier 1: where the person lives (deliveries, shares); tier 2: where they shop. #}
        min(case when sighting_source = 'store_visit' then 2 else 1 end) as evidence_tier,
        sum(case when sighting_source = 'delivery' then 1 else 0 end) as delivery_count,
        sum(
            case when sighting_source = 'location_share' then 1 else 0 end
        ) as location_share_count,
        sum(case when sighting_source = 'store_visit' then 1 else 0 end) as store_visit_count,
        max(
            case when sighting_source != 'store_visit' then seen_at end
        ) as last_residence_seen_at,
        max(seen_at) as last_seen_at
    from sightings_kept
    group by 1, 2, 3, 4
),

districts_scored as (
    select
        *,
        case
            when evidence_tier = 1 then delivery_count + location_share_count
            else store_visit_count
        end as evidence_count,
        case
            when evidence_tier = 1 then last_residence_seen_at
            else last_seen_at
        end as evidence_last_seen_at
    from districts_counted
),

customer_tiers as (
    select
        customer_id,
        min(evidence_tier) as evidence_tier
    from districts_scored
    group by 1
),

tier_totals as (
    select
        districts_scored.customer_id,
        sum(districts_scored.evidence_count) as tier_sighting_count
    from districts_scored
    inner join customer_tiers
        on
            districts_scored.customer_id = customer_tiers.customer_id
            and districts_scored.evidence_tier = customer_tiers.evidence_tier
    group by 1
),

home_districts as (
    select districts_scored.*
    from districts_scored
    inner join customer_tiers
        on
            districts_scored.customer_id = customer_tiers.customer_id
            and districts_scored.evidence_tier = customer_tiers.evidence_tier
    qualify row_number() over (
        partition by districts_scored.customer_id
        order by
            districts_scored.evidence_count desc,
            districts_scored.evidence_last_seen_at desc,
            districts_scored.province asc,
            districts_scored.city asc,
            districts_scored.district asc
    ) = 1
),

streets_counted as (
    select
        consented_shares.customer_id,
        consented_shares.street,
        count(*) as street_share_count,
        avg(consented_shares.latitude) as mean_latitude,
        avg(consented_shares.longitude) as mean_longitude,
        max(consented_shares.shared_at) as last_shared_at
    from consented_shares
    inner join home_districts
        on
            consented_shares.customer_id = home_districts.customer_id
            and consented_shares.province = home_districts.province
            and consented_shares.city = home_districts.city
            and consented_shares.district = home_districts.district
    where consented_shares.street is not null
    group by 1, 2
),

home_streets as (
    select * from streets_counted
    qualify row_number() over (
        partition by customer_id
        order by street_share_count desc, last_shared_at desc, street asc
    ) = 1
),

joined as (
    select
        home_districts.customer_id,
        home_districts.province,
        home_districts.city,
        home_districts.district,
        home_streets.street,
        case
            when home_districts.evidence_tier = 2 then 'store_visit'
            when
                home_districts.delivery_count > 0 and home_districts.location_share_count > 0
                then 'delivery_and_location_share'
            when home_districts.delivery_count > 0 then 'delivery'
            else 'location_share'
        end as home_district_source,
        home_districts.delivery_count,
        home_districts.location_share_count,
        home_districts.store_visit_count,
        home_districts.evidence_count,
        tier_totals.tier_sighting_count,
        home_streets.street_share_count,
        home_streets.mean_latitude,
        home_streets.mean_longitude,
        location_consents.customer_id is not null as has_location_consent,
        home_districts.evidence_last_seen_at
    from home_districts
    inner join tier_totals
        on home_districts.customer_id = tier_totals.customer_id
    left join home_streets
        on home_districts.customer_id = home_streets.customer_id
    left join location_consents
        on home_districts.customer_id = location_consents.customer_id
),

final as (
    select
        -- ids
        customer_id,

        -- strings
        province as home_province,
        city as home_city,
        district as home_district,
        street as home_street,
        home_district_source,

        -- numerics
        cast(delivery_count as bigint) as home_delivery_count,
        cast(location_share_count as bigint) as home_location_share_count,
        cast(store_visit_count as bigint) as home_store_visit_count,
        cast(street_share_count as bigint) as home_street_share_count,
        cast(
            cast(evidence_count as double) / nullif(tier_sighting_count, 0) as double
        ) as home_district_evidence_share,
        {# Rounded to about 100 m: enough for distances to stores, no finer than needed. #}
        {{ round_half_up('mean_latitude', 3) }} as home_latitude,
        {{ round_half_up('mean_longitude', 3) }} as home_longitude,

        -- booleans
        has_location_consent,

        -- timestamps
        evidence_last_seen_at as home_last_seen_at
    from joined
)

select * from final
