{#- A privacy subject's identifier normalised like the same identifier in its own source, so
    that consents and erasure requests match the staged columns: phones to 11 digits, card
    numbers half-width, openids trimmed. Null when the type is unknown or the value unusable. -#}
{% macro normalize_subject_value(subject_type, subject_value) -%}
    case {{ subject_type }}
        when 'phone' then {{ datong.normalize_phone(subject_value) }}
        when 'member_card' then {{ datong.clean_text(datong.to_halfwidth(subject_value)) }}
        when 'openid' then {{ datong.clean_text(subject_value) }}
    end
{%- endmacro %}
