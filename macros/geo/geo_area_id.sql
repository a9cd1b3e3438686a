{#
    The key of an area at one level of the administrative hierarchy:
    `<level>:<province>/<city>/<district>/<street>`, cut after the level's own name
    (`district:上海市/上海市/静安区`). Names are unique only within their parent, so the key
    carries the whole path.
#}
{% macro geo_area_id(level, province, city, district, street) -%}
    case {{ level }}
        when 'province' then {{ dbt.concat(["'province:'", province]) }}
        when 'city' then {{ dbt.concat(["'city:'", province, "'/'", city]) }}
        when 'district' then {{ dbt.concat([
            "'district:'", province, "'/'", city, "'/'", district
        ]) }}
        when 'street' then {{ dbt.concat([
            "'street:'", province, "'/'", city, "'/'", district, "'/'", street
        ]) }}
    end
{%- endmacro %}
