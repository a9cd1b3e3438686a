{#
    One row per survey response (erased customers' left out) with the district it speaks
    for, the respondent's stated channel preference and importances beside it. The
    questionnaire asks for the home district by name only, and names repeat across cities
    (鼓楼区 is in Nanjing, Fuzhou, Xuzhou, ...): the district in the city of the store where
    the questionnaire was filled in wins, else a name that only one known district carries.
    The phone only serves to leave out erased customers' answers; answers are not otherwise
    linked to customers.
#}
with

responses as (
    select * from {{ ref('stg_survey__responses') }}
),

stores as (
    select * from {{ ref('stg_pos__stores') }}
),

area_spends as {{ not_materialized() }} (
    select * from {{ ref('int_area_spends_aggregated') }}
),

identifiers as (
    select * from {{ ref('int_identifiers_resolved') }}
),

erasures as (
    select * from {{ ref('int_privacy_erasures_resolved') }}
),

erased_phones as (
    select distinct identifiers.identifier_value as phone_pseudonym
    from identifiers
    inner join erasures
        on identifiers.customer_id = erasures.customer_id
    where identifiers.identifier_type = 'phone'
),

known_districts as (
    select
        province,
        city,
        district
    from area_spends
    where area_level = 'district'
),

district_names_counted as (
    select
        district,
        count(*) as district_name_count
    from known_districts
    group by 1
),

responses_kept as (
    select
        responses.*,
        stores.province as store_province,
        stores.city as store_city
    from responses
    left join stores
        on responses.store_id = stores.store_id
    left join erased_phones
        on responses.respondent_phone_pseudonym = erased_phones.phone_pseudonym
    where
        erased_phones.phone_pseudonym is null
        and responses.home_district is not null
),

candidates as (
    select
        responses_kept.response_id,
        known_districts.province,
        known_districts.city,
        known_districts.district,
        case
            when
                known_districts.province = responses_kept.store_province
                and known_districts.city = responses_kept.store_city
                then 'store_city'
            when district_names_counted.district_name_count = 1 then 'unique_name'
        end as district_resolution
    from responses_kept
    inner join known_districts
        on responses_kept.home_district = known_districts.district
    inner join district_names_counted
        on known_districts.district = district_names_counted.district
),

resolved as (
    select * from candidates
    where district_resolution is not null
    qualify row_number() over (
        partition by response_id
        order by case when district_resolution = 'store_city' then 1 else 2 end asc
    ) = 1
),

final as (
    select
        -- ids
        responses_kept.response_id,
        responses_kept.store_id,

        -- strings
        resolved.province,
        resolved.city,
        resolved.district,
        coalesce(resolved.district_resolution, 'unresolved') as district_resolution,
        responses_kept.preferred_channel,

        -- numerics
        responses_kept.price_importance,
        responses_kept.experience_importance,

        -- timestamps
        responses_kept.answered_at
    from responses_kept
    left join resolved
        on responses_kept.response_id = resolved.response_id
)

select * from final
