-- binnenlopers_totaal: all walk-ins of SHT (post 'SHT').
SELECT $jaar AS jaar, 'SHT' AS post, count(*) FILTER (WHERE binnenloper) AS aantal, 'zeker' AS status,
       NULL AS toelichting
FROM contacten
HAVING count(*) > 0
