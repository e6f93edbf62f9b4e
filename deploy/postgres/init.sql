-- One database and one role per service: no service can read another's tables.
CREATE ROLE reconsideration LOGIN PASSWORD 'reconsideration';
CREATE DATABASE reconsideration OWNER reconsideration;
CREATE ROLE mediation LOGIN PASSWORD 'mediation';
CREATE DATABASE mediation OWNER mediation;
CREATE ROLE enforcement LOGIN PASSWORD 'enforcement';
CREATE DATABASE enforcement OWNER enforcement;
CREATE ROLE gateway LOGIN PASSWORD 'gateway';
CREATE DATABASE gateway OWNER gateway;
