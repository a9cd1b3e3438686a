with

location_shares as (
    select * from {{ ref('stg_wechat__location_shares') }}
),

records as (
    select * from {{ ref('int_identity_records_resolved') }}
),

consents as (
    select * from {{ ref('int_privacy_consents_resolved') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

stores as (
    select * from {{ ref('stg_pos__stores') }}
),

area_spends as (
    select * from {{ ref('int_area_spends_aggregated') }}
),

consented_shares as (
    select
        records.customer_id,
        location_shares.province,
        location_shares.city,
        location_shares.district,
        location_shares.street,
        location_shares.latitude,
        location_shares.longitude
    from location_shares
    inner join records
        on
            records.source_model = 'stg_wechat__location_shares'
            and location_shares.location_share_id = records.source_record_id
    inner join consents
        on
            records.customer_id = consents.customer_id
            and consents.purpose = 'location'
            and consents.is_granted
    left join erasures
        on records.customer_id = erasures.customer_id
    where
        erasures.customer_id is null
        and location_shares.province is not null
        and location_shares.city is not null
        and location_shares.district is not null
        and location_shares.street is not null
),

streets_aggregated as (
    {# Everyone seen in the street counts, living or working there: both shop near it. #}
    select
        province,
        city,
        district,
        street,
        count(distinct customer_id) as customer_count,
        count(*) as location_share_count,
        avg(latitude) as centre_latitude,
        avg(longitude) as centre_longitude
    from consented_shares
    group by 1, 2, 3, 4
),

open_stores as (
    select * from stores
    where is_open and latitude is not null and longitude is not null
),

street_store_distances as (
    select
        streets_aggregated.province,
        streets_aggregated.city,
        streets_aggregated.district,
        streets_aggregated.street,
        open_stores.store_id,
        open_stores.floor_area_sqm,
        {{ haversine_km(
            'streets_aggregated.centre_latitude', 'streets_aggregated.centre_longitude',
            'open_stores.latitude', 'open_stores.longitude'
        ) }} as distance_km
    from streets_aggregated
    cross join open_stores
),

nearest_stores as (
    select
        province,
        city,
        district,
        street,
        store_id as nearest_store_id,
        distance_km as nearest_store_km
    from street_store_distances
    qualify row_number() over (
        partition by province, city, district, street
        order by distance_km asc, store_id asc
    ) = 1
),

existing_attraction as (
    select
        province,
        city,
        district,
        street,
        sum(
            cast(floor_area_sqm as double)
            / power(
                greatest(distance_km, {{ var('datong_geo_huff_min_distance_km') }}),
                {{ var('datong_geo_huff_distance_decay') }}
            )
        ) as existing_attraction
    from street_store_distances
    group by 1, 2, 3, 4
),

candidates_scored as (
    select
        streets_aggregated.*,
        nearest_stores.nearest_store_id,
        nearest_stores.nearest_store_km,
        {# A new store at the street's centre, its customers around it at the floor
           distance, competing with every open store (Huff). #}
        cast({{ var('datong_geo_new_store_floor_area_sqm') }} as double)
        / power(
            cast({{ var('datong_geo_huff_min_distance_km') }} as double),
            {{ var('datong_geo_huff_distance_decay') }}
        ) as new_store_attraction,
        coalesce(existing_attraction.existing_attraction, 0) as existing_attraction
    from streets_aggregated
    left join nearest_stores
        on
            streets_aggregated.province = nearest_stores.province
            and streets_aggregated.city = nearest_stores.city
            and streets_aggregated.district = nearest_stores.district
            and streets_aggregated.street = nearest_stores.street
    left join existing_attraction
        on
            streets_aggregated.province = existing_attraction.province
            and streets_aggregated.city = existing_attraction.city
            and streets_aggregated.district = existing_attraction.district
            and streets_aggregated.street = existing_attraction.street
),

candidates_estimated as (
    select
        *,
        new_store_attraction / (new_store_attraction + existing_attraction) as huff_capture_share,
        customer_count * new_store_attraction / (new_store_attraction + existing_attraction)
            as expected_customers_captured,
        {{ is_small_cell('customer_count') }} as is_suppressed
    from candidates_scored
),

candidates_ranked as (
    select
        candidates_estimated.*,
        case
            when not candidates_estimated.is_suppressed
                then row_number() over (
                    partition by candidates_estimated.is_suppressed
                    order by
                        candidates_estimated.expected_customers_captured desc,
                        candidates_estimated.customer_count desc,
                        candidates_estimated.province asc,
                        candidates_estimated.city asc,
                        candidates_estimated.district asc,
                        candidates_estimated.street asc
                )
        end as site_rank,
        area_spends.online_net_amount as district_online_net_amount,
        area_spends.customer_count as district_customer_count
    from candidates_estimated
    left join area_spends
        on
            area_spends.area_level = 'district'
            and candidates_estimated.province = area_spends.province
            and candidates_estimated.city = area_spends.city
            and candidates_estimated.district = area_spends.district
),

final as (
    select
        -- ids
        {{ geo_area_id("'street'", 'province', 'city', 'district', 'street') }}
            as site_candidate_id,
        {{ suppress_small_cell('nearest_store_id', 'customer_count') }} as nearest_store_id,

        -- strings
        province,
        city,
        district,
        street,

        -- numerics
        cast(site_rank as bigint) as site_rank,
        cast({{ suppress_small_cell('customer_count', 'customer_count') }} as bigint)
            as customer_count,
        cast({{ suppress_small_cell('location_share_count', 'customer_count') }} as bigint)
            as location_share_count,
        {# Rounded figures are doubles already (round_half_up). #}
        {{ suppress_small_cell(round_half_up('centre_latitude', 3), 'customer_count') }}
            as centre_latitude,
        {{ suppress_small_cell(round_half_up('centre_longitude', 3), 'customer_count') }}
            as centre_longitude,
        cast(
            {{ suppress_small_cell('district_online_net_amount', 'district_customer_count') }}
            as decimal(18, 2)
        ) as district_online_net_amount,
        {{ suppress_small_cell(round_half_up('nearest_store_km', 3), 'customer_count') }}
            as nearest_store_km,
        {{ suppress_small_cell(round_half_up('huff_capture_share', 4), 'customer_count') }}
            as huff_capture_share,
        {{ suppress_small_cell(
            round_half_up('expected_customers_captured', 2), 'customer_count'
        ) }}
            as expected_customers_captured,

        -- booleans
        is_suppressed
    from candidates_ranked
)

select * from final
