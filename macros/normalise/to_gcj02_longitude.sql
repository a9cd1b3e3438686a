{#- The longitude of a point in GCJ-02, the system of Chinese map services and of the stores'
    coordinates, from a point in 'wgs84', 'gcj02' or 'bd09' (system is a cleaned, lower-case
    expression); null for any other system. lat and lon must be doubles. -#}
{% macro to_gcj02_longitude(lat, lon, system) -%}
    case {{ system }}
        when 'gcj02' then {{ lon }}
        when 'wgs84' then {{ lon }} + {{ datong.wgs84_to_gcj02_offset(lat, lon, 'longitude') }}
        when 'bd09' then {{ datong.bd09_to_gcj02(lat, lon, 'longitude') }}
    end
{%- endmacro %}
