"""Colour: conversion of crops to the sRGB models expect, matching a fill to its surroundings."""
